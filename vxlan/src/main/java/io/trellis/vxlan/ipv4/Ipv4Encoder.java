package io.trellis.vxlan.ipv4;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.checksum.InternetChecksum;

/** Writes 20-byte IPv4 headers (no options) with their header checksum, at an absolute offset. */
public final class Ipv4Encoder {
    public static final int DEFAULT_TTL = 64;

    private Ipv4Encoder() {
    }

    /**
     * Writes a header with TOS 0 and the Don't Fragment bit clear; returns 20.
     *
     * @param payloadLength bytes after the header; total length becomes {@code 20 + payloadLength}
     * @throws IllegalArgumentException if the total length exceeds 65535
     */
    public static int write(ByteBuf buf, int offset, int source, int destination, int protocol,
                            int payloadLength, int ttl, int identification) {
        return write(buf, offset, source, destination, protocol, payloadLength, ttl, identification, 0, false);
    }

    /** As {@link #write(ByteBuf, int, int, int, int, int, int, int)} with TOS and DF (RFC 1191 path MTU discovery sets DF). */
    public static int write(ByteBuf buf, int offset, int source, int destination, int protocol,
                            int payloadLength, int ttl, int identification, int tos, boolean dontFragment) {
        int totalLength = Ipv4Flyweight.MIN_HEADER_LENGTH + payloadLength;
        if (payloadLength < 0 || totalLength > 0xFFFF) {
            throw new IllegalArgumentException("IPv4 payload length " + payloadLength
                    + " is out of range: the total length (payload + 20) must be at most 65535");
        }
        buf.setByte(offset + Ipv4Flyweight.VERSION_IHL_OFFSET, Ipv4Flyweight.VERSION << 4 | 5);
        buf.setByte(offset + Ipv4Flyweight.TOS_OFFSET, tos);
        buf.setShort(offset + Ipv4Flyweight.TOTAL_LENGTH_OFFSET, totalLength);
        buf.setShort(offset + Ipv4Flyweight.IDENTIFICATION_OFFSET, identification);
        buf.setShort(offset + Ipv4Flyweight.FLAGS_FRAGMENT_OFFSET, dontFragment ? Ipv4Flyweight.FLAG_DONT_FRAGMENT : 0);
        buf.setByte(offset + Ipv4Flyweight.TTL_OFFSET, ttl);
        buf.setByte(offset + Ipv4Flyweight.PROTOCOL_OFFSET, protocol);
        buf.setShort(offset + Ipv4Flyweight.CHECKSUM_OFFSET, 0);
        buf.setInt(offset + Ipv4Flyweight.SOURCE_OFFSET, source);
        buf.setInt(offset + Ipv4Flyweight.DESTINATION_OFFSET, destination);
        buf.setShort(offset + Ipv4Flyweight.CHECKSUM_OFFSET,
                InternetChecksum.checksum(buf, offset, Ipv4Flyweight.MIN_HEADER_LENGTH));
        return Ipv4Flyweight.MIN_HEADER_LENGTH;
    }
}
