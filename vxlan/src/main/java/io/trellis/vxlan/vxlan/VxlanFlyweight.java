package io.trellis.vxlan.vxlan;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.Flyweight;
import io.trellis.vxlan.Malformed;

/**
 * The VXLAN header (RFC 7348 §5):
 *
 * <pre>
 *  |R|R|R|R|I|R|R|R|            Reserved (24)                 |
 *  |      VXLAN Network Identifier (VNI) (24)   | Reserved (8) |
 * </pre>
 *
 * followed by the inner Ethernet frame.
 */
public final class VxlanFlyweight extends Flyweight {
    public static final int FLAGS_OFFSET = 0;
    public static final int VNI_OFFSET = 4;
    public static final int HEADER_LENGTH = 8;
    /** RFC 7348 §5: the I flag must be 1 for a valid VNI. */
    public static final int FLAG_I = 0x08;
    /** IANA-assigned UDP destination port (RFC 7348 §5). */
    public static final int UDP_PORT = 4789;
    public static final int MAX_VNI = 0xFF_FFFF;
    /** Outer IPv4 + UDP + VXLAN + inner Ethernet: why the overlay MTU is the underlay's minus 50 (RFC 7348 §4.3). */
    public static final int IPV4_OVERHEAD = 20 + 8 + HEADER_LENGTH + 14;

    public VxlanFlyweight wrap(ByteBuf buf, int offset, int length) {
        bind(buf, offset, length);
        return this;
    }

    /** Wraps from {@code offset} to the buffer's writer index. */
    public VxlanFlyweight wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, readableFrom(buf, offset));
    }

    /**
     * 8 bytes present ({@code TRUNCATED}); I flag set ({@code BAD_FLAGS}). Reserved bits are ignored
     * on receipt (RFC 7348 §5), so extensions that use them (GBP, GPE) still decode.
     */
    public Malformed check() {
        if (length < HEADER_LENGTH) {
            return Malformed.TRUNCATED;
        }
        if ((flags() & FLAG_I) == 0) {
            return Malformed.BAD_FLAGS;
        }
        return Malformed.NONE;
    }

    public int flags() {
        return buf.getUnsignedByte(offset + FLAGS_OFFSET);
    }

    public VxlanFlyweight flags(int flags) {
        buf.setByte(offset + FLAGS_OFFSET, flags);
        return this;
    }

    /** The 24-bit VXLAN Network Identifier. */
    public int vni() {
        return buf.getUnsignedMedium(offset + VNI_OFFSET);
    }

    public VxlanFlyweight vni(int vni) {
        buf.setMedium(offset + VNI_OFFSET, vni);
        return this;
    }

    /** The 24 reserved bits after the flags (zero on transmission). */
    public int reserved1() {
        return buf.getUnsignedMedium(offset + 1);
    }

    /** The last 8 reserved bits (zero on transmission). */
    public int reserved2() {
        return buf.getUnsignedByte(offset + 7);
    }

    /** Always 8. */
    public int headerLength() {
        return HEADER_LENGTH;
    }

    /** Absolute index of the inner Ethernet frame. */
    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }

    public int payloadLength() {
        return length - HEADER_LENGTH;
    }
}
