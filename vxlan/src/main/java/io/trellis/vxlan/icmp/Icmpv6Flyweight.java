package io.trellis.vxlan.icmp;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.Flyweight;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.checksum.InternetChecksum;

/**
 * An ICMPv6 message (RFC 4443 §2.1): type, code, checksum over the IPv6 pseudo-header and the
 * message (§2.3), a 4-byte type-specific field (identifier + sequence for echo; the MTU for
 * "packet too big", §3.2), then the body. Wrap it with the IPv6 payload length.
 */
public final class Icmpv6Flyweight extends Flyweight {
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_NUMBER_OFFSET = 6;
    public static final int MTU_OFFSET = 4;
    public static final int BODY_OFFSET = 8;
    public static final int HEADER_LENGTH = 8;

    public static final int TYPE_DESTINATION_UNREACHABLE = 1;
    public static final int TYPE_PACKET_TOO_BIG = 2;
    public static final int TYPE_TIME_EXCEEDED = 3;
    public static final int TYPE_PARAMETER_PROBLEM = 4;
    public static final int TYPE_ECHO_REQUEST = 128;
    public static final int TYPE_ECHO_REPLY = 129;
    public static final int TYPE_NEIGHBOR_SOLICITATION = 135;
    public static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;

    public Icmpv6Flyweight wrap(ByteBuf buf, int offset, int length) {
        bind(buf, offset, length);
        return this;
    }

    /** Wraps from {@code offset} to the buffer's writer index. */
    public Icmpv6Flyweight wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, readableFrom(buf, offset));
    }

    /** 8 bytes present ({@code TRUNCATED}). The checksum needs the pseudo-header: {@link #checksumValid(int)}. */
    public Malformed check() {
        return length < HEADER_LENGTH ? Malformed.TRUNCATED : Malformed.NONE;
    }

    /**
     * True when the pseudo-header sum plus the message sums to 0xFFFF (RFC 4443 §2.3).
     *
     * @param pseudoHeaderSum {@code InternetChecksum.pseudoHeaderSumIpv6(..., 58, length())}
     */
    public boolean checksumValid(int pseudoHeaderSum) {
        return InternetChecksum.verify(buf, offset, length, pseudoHeaderSum);
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

    public Icmpv6Flyweight checksum(int checksum) {
        buf.setShort(offset + CHECKSUM_OFFSET, checksum);
        return this;
    }

    public boolean isEcho() {
        int type = type();
        return type == TYPE_ECHO_REQUEST || type == TYPE_ECHO_REPLY;
    }

    /** Error messages have types 0–127 (RFC 4443 §2.1). */
    public boolean isError() {
        return type() < 128;
    }

    public int identifier() {
        return buf.getUnsignedShort(offset + IDENTIFIER_OFFSET);
    }

    public int sequenceNumber() {
        return buf.getUnsignedShort(offset + SEQUENCE_NUMBER_OFFSET);
    }

    /** The MTU of a "packet too big" message, unsigned 32 bits (RFC 4443 §3.2). */
    public long mtu() {
        return buf.getUnsignedInt(offset + MTU_OFFSET);
    }

    /** Always 8. */
    public int headerLength() {
        return HEADER_LENGTH;
    }

    public int bodyOffset() {
        return offset + BODY_OFFSET;
    }

    public int bodyLength() {
        return length - HEADER_LENGTH;
    }
}
