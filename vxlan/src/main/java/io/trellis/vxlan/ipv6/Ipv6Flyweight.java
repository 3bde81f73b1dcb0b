package io.trellis.vxlan.ipv6;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.Flyweight;
import io.trellis.vxlan.Malformed;

/**
 * The fixed 40-byte IPv6 header (RFC 8200 §3):
 * version (4 bits), traffic class (8), flow label (20), payload length (16), next header (8),
 * hop limit (8), source (128), destination (128).
 */
public final class Ipv6Flyweight extends Flyweight {
    public static final int VERSION_CLASS_FLOW_OFFSET = 0;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SOURCE_OFFSET = 8;
    public static final int DESTINATION_OFFSET = 24;
    public static final int HEADER_LENGTH = 40;
    public static final int VERSION = 6;
    public static final int FLOW_LABEL_MASK = 0xFFFFF;
    /** RFC 8200 §5: every link must carry 1280-byte packets. */
    public static final int MIN_MTU = 1280;

    public Ipv6Flyweight wrap(ByteBuf buf, int offset, int length) {
        bind(buf, offset, length);
        return this;
    }

    /** Wraps from {@code offset} to the buffer's writer index. */
    public Ipv6Flyweight wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, readableFrom(buf, offset));
    }

    /**
     * 40 bytes present ({@code TRUNCATED}), version 6 ({@code BAD_VERSION}), payload present
     * ({@code TRUNCATED}). There is no header checksum in IPv6. Never throws; allocates nothing.
     */
    public Malformed check() {
        if (length < HEADER_LENGTH) {
            return Malformed.TRUNCATED;
        }
        if (version() != VERSION) {
            return Malformed.BAD_VERSION;
        }
        if (HEADER_LENGTH + payloadLength() > length) {
            return Malformed.TRUNCATED;
        }
        return Malformed.NONE;
    }

    public int version() {
        return buf.getUnsignedByte(offset) >>> 4;
    }

    public int trafficClass() {
        return buf.getInt(offset + VERSION_CLASS_FLOW_OFFSET) >>> 20 & 0xFF;
    }

    public Ipv6Flyweight trafficClass(int trafficClass) {
        int word = buf.getInt(offset + VERSION_CLASS_FLOW_OFFSET);
        buf.setInt(offset + VERSION_CLASS_FLOW_OFFSET, (word & 0xF00F_FFFF) | (trafficClass & 0xFF) << 20);
        return this;
    }

    public int flowLabel() {
        return buf.getInt(offset + VERSION_CLASS_FLOW_OFFSET) & FLOW_LABEL_MASK;
    }

    public Ipv6Flyweight flowLabel(int flowLabel) {
        int word = buf.getInt(offset + VERSION_CLASS_FLOW_OFFSET);
        buf.setInt(offset + VERSION_CLASS_FLOW_OFFSET, (word & ~FLOW_LABEL_MASK) | (flowLabel & FLOW_LABEL_MASK));
        return this;
    }

    /** Bytes after the fixed header, extension headers included. */
    public int payloadLength() {
        return buf.getUnsignedShort(offset + PAYLOAD_LENGTH_OFFSET);
    }

    public Ipv6Flyweight payloadLength(int payloadLength) {
        buf.setShort(offset + PAYLOAD_LENGTH_OFFSET, payloadLength);
        return this;
    }

    /** The next header; compare with {@code IpProtocol.*_NUMBER}. */
    public int nextHeader() {
        return buf.getUnsignedByte(offset + NEXT_HEADER_OFFSET);
    }

    public Ipv6Flyweight nextHeader(int nextHeader) {
        buf.setByte(offset + NEXT_HEADER_OFFSET, nextHeader);
        return this;
    }

    public int hopLimit() {
        return buf.getUnsignedByte(offset + HOP_LIMIT_OFFSET);
    }

    public Ipv6Flyweight hopLimit(int hopLimit) {
        buf.setByte(offset + HOP_LIMIT_OFFSET, hopLimit);
        return this;
    }

    public long sourceHigh() {
        return buf.getLong(offset + SOURCE_OFFSET);
    }

    public long sourceLow() {
        return buf.getLong(offset + SOURCE_OFFSET + 8);
    }

    public Ipv6Flyweight source(long high, long low) {
        buf.setLong(offset + SOURCE_OFFSET, high);
        buf.setLong(offset + SOURCE_OFFSET + 8, low);
        return this;
    }

    public long destinationHigh() {
        return buf.getLong(offset + DESTINATION_OFFSET);
    }

    public long destinationLow() {
        return buf.getLong(offset + DESTINATION_OFFSET + 8);
    }

    public Ipv6Flyweight destination(long high, long low) {
        buf.setLong(offset + DESTINATION_OFFSET, high);
        buf.setLong(offset + DESTINATION_OFFSET + 8, low);
        return this;
    }

    /** Always 40: extension headers count as payload. */
    public int headerLength() {
        return HEADER_LENGTH;
    }

    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }
}
