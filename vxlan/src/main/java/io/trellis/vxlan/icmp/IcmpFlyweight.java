package io.trellis.vxlan.icmp;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.Flyweight;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.checksum.InternetChecksum;

/**
 * An ICMPv4 message (RFC 792): type, code, checksum over the whole message, then a 4-byte field
 * whose meaning depends on the type (identifier + sequence for echo; unused + next-hop MTU for
 * "fragmentation needed", RFC 1191 §4), then the body (echo data, or the quoted original packet).
 * Wrap it with the IP payload length: the checksum covers exactly the message.
 */
public final class IcmpFlyweight extends Flyweight {
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_NUMBER_OFFSET = 6;
    /** RFC 1191 §4: the low-order 16 bits of the second word; the high-order 16 bits are unused (zero). */
    public static final int NEXT_HOP_MTU_OFFSET = 6;
    public static final int BODY_OFFSET = 8;
    public static final int HEADER_LENGTH = 8;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;
    /** Destination unreachable code 4: "fragmentation needed and DF set" (RFC 792, RFC 1191). */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;

    public IcmpFlyweight wrap(ByteBuf buf, int offset, int length) {
        bind(buf, offset, length);
        return this;
    }

    /** Wraps from {@code offset} to the buffer's writer index. */
    public IcmpFlyweight wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, readableFrom(buf, offset));
    }

    /** 8 bytes present ({@code TRUNCATED}); checksum over {@link #length()} bytes ({@code BAD_CHECKSUM}). */
    public Malformed check() {
        if (length < HEADER_LENGTH) {
            return Malformed.TRUNCATED;
        }
        if (!InternetChecksum.verify(buf, offset, length)) {
            return Malformed.BAD_CHECKSUM;
        }
        return Malformed.NONE;
    }

    public int type() {
        return buf.getUnsignedByte(offset + TYPE_OFFSET);
    }

    public int code() {
        return buf.getUnsignedByte(offset + CODE_OFFSET);
    }

    public int checksum() {
        return buf.getUnsignedShort(offset + CHECKSUM_OFFSET);
    }

    public IcmpFlyweight checksum(int checksum) {
        buf.setShort(offset + CHECKSUM_OFFSET, checksum);
        return this;
    }

    /** Recomputes the checksum over {@link #length()} bytes, e.g. after turning a request into a reply. */
    public IcmpFlyweight updateChecksum() {
        buf.setShort(offset + CHECKSUM_OFFSET, 0);
        buf.setShort(offset + CHECKSUM_OFFSET, InternetChecksum.checksum(buf, offset, length));
        return this;
    }

    public boolean isEcho() {
        int type = type();
        return type == TYPE_ECHO_REQUEST || type == TYPE_ECHO_REPLY;
    }

    public boolean isFragmentationNeeded() {
        return type() == TYPE_DESTINATION_UNREACHABLE && code() == CODE_FRAGMENTATION_NEEDED;
    }

    /** Echo identifier (RFC 792 "Echo or Echo Reply Message"). */
    public int identifier() {
        return buf.getUnsignedShort(offset + IDENTIFIER_OFFSET);
    }

    public int sequenceNumber() {
        return buf.getUnsignedShort(offset + SEQUENCE_NUMBER_OFFSET);
    }

    /** Next-hop MTU of a "fragmentation needed" message (RFC 1191 §4; 0 from pre-RFC 1191 routers). */
    public int nextHopMtu() {
        return buf.getUnsignedShort(offset + NEXT_HOP_MTU_OFFSET);
    }

    /** Always 8: type, code, checksum and the type-specific word. */
    public int headerLength() {
        return HEADER_LENGTH;
    }

    /** Absolute index of the body: echo data, or the quoted original IP packet of an error. */
    public int bodyOffset() {
        return offset + BODY_OFFSET;
    }

    public int bodyLength() {
        return length - HEADER_LENGTH;
    }
}
