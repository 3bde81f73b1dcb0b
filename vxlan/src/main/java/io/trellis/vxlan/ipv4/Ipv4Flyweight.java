package io.trellis.vxlan.ipv4;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.Flyweight;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.checksum.InternetChecksum;

/**
 * An IPv4 header (RFC 791 §3.1) including options. {@link #length()} is what the buffer holds from
 * the header on (it may include Ethernet padding); {@link #totalLength()} is what the packet says.
 */
public final class Ipv4Flyweight extends Flyweight {
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;
    public static final int OPTIONS_OFFSET = 20;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;
    public static final int VERSION = 4;
    /** Flag bits within the 16-bit flags + fragment offset word. */
    public static final int FLAG_RESERVED = 0x8000;
    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;
    /** Option types with no length byte (RFC 791 §3.1 "Options", case 1). */
    public static final int OPTION_END_OF_LIST = 0;
    public static final int OPTION_NO_OPERATION = 1;

    public Ipv4Flyweight wrap(ByteBuf buf, int offset, int length) {
        bind(buf, offset, length);
        return this;
    }

    /** Wraps from {@code offset} to the buffer's writer index. */
    public Ipv4Flyweight wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, readableFrom(buf, offset));
    }

    /**
     * Validates the header against the bytes available, in this order: 20 bytes present
     * ({@code TRUNCATED}), version 4 ({@code BAD_VERSION}), IHL ≥ 5 ({@code BAD_HEADER_LENGTH}),
     * header present ({@code TRUNCATED}), total length ≥ header ({@code BAD_LENGTH}), packet present
     * ({@code TRUNCATED}), option list well-formed ({@code BAD_OPTIONS}), header checksum
     * ({@code BAD_CHECKSUM}). Never throws; allocates nothing.
     */
    public Malformed check() {
        if (length < MIN_HEADER_LENGTH) {
            return Malformed.TRUNCATED;
        }
        if (version() != VERSION) {
            return Malformed.BAD_VERSION;
        }
        final int headerLength = headerLength();
        if (headerLength < MIN_HEADER_LENGTH) {
            return Malformed.BAD_HEADER_LENGTH;
        }
        if (headerLength > length) {
            return Malformed.TRUNCATED;
        }
        final int totalLength = totalLength();
        if (totalLength < headerLength) {
            return Malformed.BAD_LENGTH;
        }
        if (totalLength > length) {
            return Malformed.TRUNCATED;
        }
        if (!optionsWellFormed(headerLength)) {
            return Malformed.BAD_OPTIONS;
        }
        if (!InternetChecksum.verify(buf, offset, headerLength)) {
            return Malformed.BAD_CHECKSUM;
        }
        return Malformed.NONE;
    }

    /**
     * RFC 791 §3.1: an option is a single type byte (End of Option List, No Operation) or type,
     * length (≥ 2, counting type and length) and data, all inside the header.
     */
    private boolean optionsWellFormed(int headerLength) {
        int i = OPTIONS_OFFSET;
        while (i < headerLength) {
            int type = buf.getUnsignedByte(offset + i);
            if (type == OPTION_END_OF_LIST) {
                return true;
            }
            if (type == OPTION_NO_OPERATION) {
                i++;
                continue;
            }
            if (i + 1 >= headerLength) {
                return false;
            }
            int optionLength = buf.getUnsignedByte(offset + i + 1);
            if (optionLength < 2 || i + optionLength > headerLength) {
                return false;
            }
            i += optionLength;
        }
        return true;
    }

    public int version() {
        return buf.getUnsignedByte(offset + VERSION_IHL_OFFSET) >>> 4;
    }

    /** IHL × 4: 20 to 60 bytes. */
    public int headerLength() {
        return (buf.getUnsignedByte(offset + VERSION_IHL_OFFSET) & 0xF) * 4;
    }

    /** Options bytes after the fixed 20-byte header (including padding). */
    public int optionsLength() {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /** The Type of Service byte: DSCP (6 bits) and ECN (2 bits), RFC 2474 / RFC 3168. */
    public int tos() {
        return buf.getUnsignedByte(offset + TOS_OFFSET);
    }

    public Ipv4Flyweight tos(int tos) {
        buf.setByte(offset + TOS_OFFSET, tos);
        return this;
    }

    public int dscp() {
        return tos() >>> 2;
    }

    public int ecn() {
        return tos() & 0x3;
    }

    public int totalLength() {
        return buf.getUnsignedShort(offset + TOTAL_LENGTH_OFFSET);
    }

    public Ipv4Flyweight totalLength(int totalLength) {
        buf.setShort(offset + TOTAL_LENGTH_OFFSET, totalLength);
        return this;
    }

    public int identification() {
        return buf.getUnsignedShort(offset + IDENTIFICATION_OFFSET);
    }

    public Ipv4Flyweight identification(int identification) {
        buf.setShort(offset + IDENTIFICATION_OFFSET, identification);
        return this;
    }

    /** The 3 flag bits in place (see {@code FLAG_*}). */
    public int flags() {
        return buf.getUnsignedShort(offset + FLAGS_FRAGMENT_OFFSET) & ~FRAGMENT_OFFSET_MASK;
    }

    public boolean dontFragment() {
        return (flags() & FLAG_DONT_FRAGMENT) != 0;
    }

    public boolean moreFragments() {
        return (flags() & FLAG_MORE_FRAGMENTS) != 0;
    }

    /** Fragment offset in units of 8 bytes. */
    public int fragmentOffset() {
        return buf.getUnsignedShort(offset + FLAGS_FRAGMENT_OFFSET) & FRAGMENT_OFFSET_MASK;
    }

    /** Sets flags (see {@code FLAG_*}) and fragment offset (8-byte units) together. */
    public Ipv4Flyweight flagsAndFragmentOffset(int flags, int fragmentOffset) {
        buf.setShort(offset + FLAGS_FRAGMENT_OFFSET, (flags & ~FRAGMENT_OFFSET_MASK) | (fragmentOffset & FRAGMENT_OFFSET_MASK));
        return this;
    }

    /** True for any fragment: more fragments follow, or this one does not start at offset 0. */
    public boolean isFragment() {
        return (buf.getUnsignedShort(offset + FLAGS_FRAGMENT_OFFSET) & (FLAG_MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl() {
        return buf.getUnsignedByte(offset + TTL_OFFSET);
    }

    public Ipv4Flyweight ttl(int ttl) {
        buf.setByte(offset + TTL_OFFSET, ttl);
        return this;
    }

    /** The protocol number; compare with {@code IpProtocol.*_NUMBER}. */
    public int protocol() {
        return buf.getUnsignedByte(offset + PROTOCOL_OFFSET);
    }

    public Ipv4Flyweight protocol(int protocol) {
        buf.setByte(offset + PROTOCOL_OFFSET, protocol);
        return this;
    }

    public int headerChecksum() {
        return buf.getUnsignedShort(offset + CHECKSUM_OFFSET);
    }

    public Ipv4Flyweight headerChecksum(int checksum) {
        buf.setShort(offset + CHECKSUM_OFFSET, checksum);
        return this;
    }

    /** Recomputes the header checksum over {@link #headerLength()} bytes (RFC 791 §3.1). */
    public Ipv4Flyweight updateHeaderChecksum() {
        buf.setShort(offset + CHECKSUM_OFFSET, 0);
        buf.setShort(offset + CHECKSUM_OFFSET, InternetChecksum.checksum(buf, offset, headerLength()));
        return this;
    }

    public int source() {
        return buf.getInt(offset + SOURCE_OFFSET);
    }

    public Ipv4Flyweight source(int address) {
        buf.setInt(offset + SOURCE_OFFSET, address);
        return this;
    }

    public int destination() {
        return buf.getInt(offset + DESTINATION_OFFSET);
    }

    public Ipv4Flyweight destination(int address) {
        buf.setInt(offset + DESTINATION_OFFSET, address);
        return this;
    }

    public int payloadOffset() {
        return offset + headerLength();
    }

    /** {@link #totalLength()} minus the header: the upper-layer length (excludes Ethernet padding). */
    public int payloadLength() {
        return totalLength() - headerLength();
    }
}
