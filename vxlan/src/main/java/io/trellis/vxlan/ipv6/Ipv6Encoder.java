package io.trellis.vxlan.ipv6;

import io.netty.buffer.ByteBuf;

/** Writes the fixed 40-byte IPv6 header at an absolute offset (no extension headers). */
public final class Ipv6Encoder {
    public static final int DEFAULT_HOP_LIMIT = 64;

    private Ipv6Encoder() {
    }

    /**
     * Writes a header with traffic class 0 and flow label 0 (set them afterwards through
     * {@link Ipv6Flyweight} if needed); returns 40.
     *
     * @throws IllegalArgumentException if {@code payloadLength} is not 0–65535 (jumbograms are not supported)
     */
    public static int write(ByteBuf buf, int offset, long sourceHigh, long sourceLow,
                            long destinationHigh, long destinationLow, int nextHeader, int payloadLength, int hopLimit) {
        if (payloadLength < 0 || payloadLength > 0xFFFF) {
            throw new IllegalArgumentException("IPv6 payload length " + payloadLength + " is out of range: it is 0 to 65535");
        }
        buf.setInt(offset + Ipv6Flyweight.VERSION_CLASS_FLOW_OFFSET, Ipv6Flyweight.VERSION << 28);
        buf.setShort(offset + Ipv6Flyweight.PAYLOAD_LENGTH_OFFSET, payloadLength);
        buf.setByte(offset + Ipv6Flyweight.NEXT_HEADER_OFFSET, nextHeader);
        buf.setByte(offset + Ipv6Flyweight.HOP_LIMIT_OFFSET, hopLimit);
        buf.setLong(offset + Ipv6Flyweight.SOURCE_OFFSET, sourceHigh);
        buf.setLong(offset + Ipv6Flyweight.SOURCE_OFFSET + 8, sourceLow);
        buf.setLong(offset + Ipv6Flyweight.DESTINATION_OFFSET, destinationHigh);
        buf.setLong(offset + Ipv6Flyweight.DESTINATION_OFFSET + 8, destinationLow);
        return Ipv6Flyweight.HEADER_LENGTH;
    }
}
