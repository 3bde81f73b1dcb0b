package io.trellis.ipsec.esp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Shared fixtures. Buffers are plain {@code Unpooled.wrappedBuffer}s (heap, heap at a non-zero array
 * offset, direct): not leak-tracked, so paranoid leak detection neither complains nor allocates.
 */
final class EspTestSupport {
    /** draft-mcgrew-gcm-test-01 Test Case 3's AES-128 key and salt. */
    static final byte[] KEYMAT_128 = hex("4c80cdefbb5d10da906ac73c3613a634" + "2e443b68");
    static final byte[] KEYMAT_256 = hex("6c6567616c697a656d6172696a75616e61616e64646f69746265666f72656961" + "7475726e");
    static final int SPI = 0x0000_4321;
    /** Room around payloads: headroom for the ESP header, tailroom for trailer and ICV, and spare. */
    static final int HEADROOM = EspFlyweight.PAYLOAD_OFFSET;

    enum Kind { HEAP, HEAP_WITH_OFFSET, DIRECT }

    private EspTestSupport() {
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** A zeroed buffer of exactly {@code capacity} bytes. */
    static ByteBuf buffer(Kind kind, int capacity) {
        switch (kind) {
            case HEAP:
                return Unpooled.wrappedBuffer(new byte[capacity]);
            case HEAP_WITH_OFFSET:
                return Unpooled.wrappedBuffer(new byte[capacity + 13], 7, capacity);
            default:
                return Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(capacity));
        }
    }

    /** A buffer holding {@code payload} at {@link #HEADROOM} with room for the ESP trailer and ICV. */
    static ByteBuf withPayload(Kind kind, byte[] payload) {
        ByteBuf buf = buffer(kind, HEADROOM + payload.length + EspFlyweight.TAILROOM);
        buf.setBytes(HEADROOM, payload);
        return buf;
    }

    /** Encrypts {@code payload} and returns a buffer of exactly the ESP packet's bytes. */
    static ByteBuf seal(EspOutbound outbound, SecurityAssociation sa, Kind kind, byte[] payload, int nextHeader) {
        ByteBuf buf = withPayload(kind, payload);
        int length = outbound.encrypt(sa, buf, HEADROOM, payload.length, nextHeader);
        if (length < 0) {
            throw new IllegalStateException("sequence numbers exhausted");
        }
        return copy(kind, bytes(buf, 0, length));
    }

    static ByteBuf copy(Kind kind, byte[] packet) {
        ByteBuf buf = buffer(kind, packet.length);
        buf.setBytes(0, packet);
        return buf;
    }

    static byte[] bytes(ByteBuf buf, int offset, int length) {
        byte[] bytes = new byte[length];
        buf.getBytes(offset, bytes);
        return bytes;
    }

    static byte[] payload(int length, int seed) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (i * 31 + seed);
        }
        return payload;
    }

    /** An SAD holding exactly {@code sa}. */
    static SecurityAssociationDatabase sad(SecurityAssociation sa) {
        return spi -> spi == sa.spi() ? sa : null;
    }
}
