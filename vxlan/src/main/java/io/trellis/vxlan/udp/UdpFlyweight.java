package io.trellis.vxlan.udp;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.Flyweight;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.checksum.InternetChecksum;

/**
 * A UDP header (RFC 768). Wrap it with the IP payload length so that {@link #check()} can compare
 * the UDP length field with what the IP layer delivered.
 *
 * <p>Checksum rules (RFC 768): a stored 0 means the sender computed none (legal over IPv4; over
 * IPv6 only for tunnels under RFC 6935/6936), and a computed 0 is sent as 0xFFFF. A NAT that
 * rewrites a port or address with {@code InternetChecksum.update16/update32} must leave a 0 alone
 * and store 0xFFFF if the update yields 0.
 */
public final class UdpFlyweight extends Flyweight {
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;
    /** Checksum field value meaning "not computed" (RFC 768). */
    public static final int NO_CHECKSUM = 0;

    public UdpFlyweight wrap(ByteBuf buf, int offset, int length) {
        bind(buf, offset, length);
        return this;
    }

    /** Wraps from {@code offset} to the buffer's writer index. */
    public UdpFlyweight wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, readableFrom(buf, offset));
    }

    /**
     * 8 bytes present ({@code TRUNCATED}), length field ≥ 8 ({@code BAD_LENGTH}), datagram present
     * ({@code TRUNCATED}). The checksum needs the IP pseudo-header: see {@link #checksumValid(int)}.
     */
    public Malformed check() {
        if (length < HEADER_LENGTH) {
            return Malformed.TRUNCATED;
        }
        final int udpLength = udpLength();
        if (udpLength < HEADER_LENGTH) {
            return Malformed.BAD_LENGTH;
        }
        if (udpLength > length) {
            return Malformed.TRUNCATED;
        }
        return Malformed.NONE;
    }

    /**
     * True if the checksum field is 0 (none computed) or the pseudo-header sum plus the datagram
     * ({@link #udpLength()} bytes) sums to 0xFFFF. Call after {@link #check()} returned NONE; get the
     * pseudo-header sum from {@code InternetChecksum.pseudoHeaderSumIpv4/Ipv6(..., 17, udpLength())}.
     */
    public boolean checksumValid(int pseudoHeaderSum) {
        return checksum() == NO_CHECKSUM || InternetChecksum.verify(buf, offset, udpLength(), pseudoHeaderSum);
    }

    public int sourcePort() {
        return buf.getUnsignedShort(offset + SOURCE_PORT_OFFSET);
    }

    public UdpFlyweight sourcePort(int port) {
        buf.setShort(offset + SOURCE_PORT_OFFSET, port);
        return this;
    }

    public int destinationPort() {
        return buf.getUnsignedShort(offset + DESTINATION_PORT_OFFSET);
    }

    public UdpFlyweight destinationPort(int port) {
        buf.setShort(offset + DESTINATION_PORT_OFFSET, port);
        return this;
    }

    /** The UDP length field: header plus data. */
    public int udpLength() {
        return buf.getUnsignedShort(offset + LENGTH_OFFSET);
    }

    public UdpFlyweight udpLength(int udpLength) {
        buf.setShort(offset + LENGTH_OFFSET, udpLength);
        return this;
    }

    public int checksum() {
        return buf.getUnsignedShort(offset + CHECKSUM_OFFSET);
    }

    public UdpFlyweight checksum(int checksum) {
        buf.setShort(offset + CHECKSUM_OFFSET, checksum);
        return this;
    }

    /** Always 8. */
    public int headerLength() {
        return HEADER_LENGTH;
    }

    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }

    public int payloadLength() {
        return udpLength() - HEADER_LENGTH;
    }
}
