package io.trellis.vxlan.tcp;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.Flyweight;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.checksum.InternetChecksum;

/**
 * A TCP header (RFC 9293 §3.1) with its options. Wrap it with the segment length the IP layer
 * gives (IPv4 total length minus IHL, or the IPv6 payload length) so the checksum covers exactly
 * the segment.
 */
public final class TcpFlyweight extends Flyweight {
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int SEQUENCE_NUMBER_OFFSET = 4;
    public static final int ACKNOWLEDGMENT_NUMBER_OFFSET = 8;
    /** Data offset (top 4 bits), reserved bits, and the AE flag (RFC 9768) in the low bit. */
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_POINTER_OFFSET = 18;
    public static final int OPTIONS_OFFSET = 20;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int FLAG_FIN = 0x01;
    public static final int FLAG_SYN = 0x02;
    public static final int FLAG_RST = 0x04;
    public static final int FLAG_PSH = 0x08;
    public static final int FLAG_ACK = 0x10;
    public static final int FLAG_URG = 0x20;
    public static final int FLAG_ECE = 0x40;
    public static final int FLAG_CWR = 0x80;
    /** Accurate ECN flag, bit 8 of {@link #flags()} (RFC 9768; formerly NS, RFC 3540). */
    public static final int FLAG_AE = 0x100;

    /** Option kinds (IANA "TCP Option Kind Numbers"). */
    public static final int OPTION_END_OF_LIST = 0;
    public static final int OPTION_NO_OPERATION = 1;
    public static final int OPTION_MSS = 2;
    public static final int OPTION_WINDOW_SCALE = 3;
    public static final int OPTION_SACK_PERMITTED = 4;
    public static final int OPTION_SACK = 5;
    public static final int OPTION_TIMESTAMPS = 8;
    public static final int OPTION_MSS_LENGTH = 4;

    public TcpFlyweight wrap(ByteBuf buf, int offset, int length) {
        bind(buf, offset, length);
        return this;
    }

    /** Wraps from {@code offset} to the buffer's writer index. */
    public TcpFlyweight wrap(ByteBuf buf, int offset) {
        return wrap(buf, offset, readableFrom(buf, offset));
    }

    /**
     * 20 bytes present ({@code TRUNCATED}), data offset ≥ 5 ({@code BAD_HEADER_LENGTH}), header
     * present ({@code TRUNCATED}), option list well-formed ({@code BAD_OPTIONS}). The checksum needs
     * the IP pseudo-header: see {@link #checksumValid(int)}. Never throws; allocates nothing.
     */
    public Malformed check() {
        if (length < MIN_HEADER_LENGTH) {
            return Malformed.TRUNCATED;
        }
        final int headerLength = headerLength();
        if (headerLength < MIN_HEADER_LENGTH) {
            return Malformed.BAD_HEADER_LENGTH;
        }
        if (headerLength > length) {
            return Malformed.TRUNCATED;
        }
        for (int i = OPTIONS_OFFSET; i < headerLength; ) {
            i = nextOption(i, headerLength);
            if (i < 0) {
                return Malformed.BAD_OPTIONS;
            }
        }
        return Malformed.NONE;
    }

    /**
     * True when the pseudo-header sum plus the whole segment ({@link #length()} bytes) sums to
     * 0xFFFF. A segment a kernel sent with CHECKSUM_PARTIAL over veth fails this: its field holds
     * only the folded pseudo-header sum (docs/architecture.md, "The checksum trap").
     *
     * @param pseudoHeaderSum {@code InternetChecksum.pseudoHeaderSumIpv4/Ipv6(..., 6, length())}
     */
    public boolean checksumValid(int pseudoHeaderSum) {
        return InternetChecksum.verify(buf, offset, length, pseudoHeaderSum);
    }

    /**
     * Absolute index of the first option of {@code kind} in the header, or -1. Call after
     * {@link #check()} returned NONE. RFC 9293 §3.1: options end at End of Option List or the data
     * offset; No-Operation is one byte; every other option carries its own length.
     */
    public int findOption(int kind) {
        final int headerLength = headerLength();
        int i = OPTIONS_OFFSET;
        while (i < headerLength) {
            int current = buf.getUnsignedByte(offset + i);
            if (current == OPTION_END_OF_LIST) {
                return -1;
            }
            if (current == kind) {
                return offset + i;
            }
            int next = nextOption(i, headerLength);
            if (next < 0) {
                return -1;
            }
            i = next;
        }
        return -1;
    }

    /** The Maximum Segment Size option's value (RFC 9293 §3.7.1), or -1 if absent or not 4 bytes long. */
    public int mss() {
        int at = findOption(OPTION_MSS);
        if (at < 0 || buf.getUnsignedByte(at + 1) != OPTION_MSS_LENGTH) {
            return -1;
        }
        return buf.getUnsignedShort(at + 2);
    }

    /** Relative index after the option at relative index {@code i}, or -1 if its length is bad. */
    private int nextOption(int i, int headerLength) {
        int kind = buf.getUnsignedByte(offset + i);
        if (kind == OPTION_END_OF_LIST) {
            return headerLength;
        }
        if (kind == OPTION_NO_OPERATION) {
            return i + 1;
        }
        if (i + 1 >= headerLength) {
            return -1;
        }
        int optionLength = buf.getUnsignedByte(offset + i + 1);
        if (optionLength < 2 || i + optionLength > headerLength) {
            return -1;
        }
        return i + optionLength;
    }

    public int sourcePort() {
        return buf.getUnsignedShort(offset + SOURCE_PORT_OFFSET);
    }

    public TcpFlyweight sourcePort(int port) {
        buf.setShort(offset + SOURCE_PORT_OFFSET, port);
        return this;
    }

    public int destinationPort() {
        return buf.getUnsignedShort(offset + DESTINATION_PORT_OFFSET);
    }

    public TcpFlyweight destinationPort(int port) {
        buf.setShort(offset + DESTINATION_PORT_OFFSET, port);
        return this;
    }

    /** Sequence number as an unsigned 32-bit value in a long. */
    public long sequenceNumber() {
        return buf.getUnsignedInt(offset + SEQUENCE_NUMBER_OFFSET);
    }

    public TcpFlyweight sequenceNumber(long sequenceNumber) {
        buf.setInt(offset + SEQUENCE_NUMBER_OFFSET, (int) sequenceNumber);
        return this;
    }

    public long acknowledgmentNumber() {
        return buf.getUnsignedInt(offset + ACKNOWLEDGMENT_NUMBER_OFFSET);
    }

    public TcpFlyweight acknowledgmentNumber(long acknowledgmentNumber) {
        buf.setInt(offset + ACKNOWLEDGMENT_NUMBER_OFFSET, (int) acknowledgmentNumber);
        return this;
    }

    /** Data offset in 32-bit words (5–15). */
    public int dataOffset() {
        return buf.getUnsignedByte(offset + DATA_OFFSET_OFFSET) >>> 4;
    }

    /** Data offset × 4: 20 to 60 bytes. */
    public int headerLength() {
        return dataOffset() * 4;
    }

    /** Option bytes after the fixed 20-byte header (including padding). */
    public int optionsLength() {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /** The nine flag bits: CWR..FIN in bits 7–0 and AE in bit 8 (see {@code FLAG_*}). */
    public int flags() {
        return buf.getUnsignedShort(offset + DATA_OFFSET_OFFSET) & 0x1FF;
    }

    public boolean hasFlags(int mask) {
        return (flags() & mask) == mask;
    }

    /** Sets the nine flag bits, keeping the data offset and reserved bits. */
    public TcpFlyweight flags(int flags) {
        int word = buf.getUnsignedShort(offset + DATA_OFFSET_OFFSET);
        buf.setShort(offset + DATA_OFFSET_OFFSET, (word & ~0x1FF) | (flags & 0x1FF));
        return this;
    }

    public int window() {
        return buf.getUnsignedShort(offset + WINDOW_OFFSET);
    }

    public TcpFlyweight window(int window) {
        buf.setShort(offset + WINDOW_OFFSET, window);
        return this;
    }

    public int checksum() {
        return buf.getUnsignedShort(offset + CHECKSUM_OFFSET);
    }

    public TcpFlyweight checksum(int checksum) {
        buf.setShort(offset + CHECKSUM_OFFSET, checksum);
        return this;
    }

    public int urgentPointer() {
        return buf.getUnsignedShort(offset + URGENT_POINTER_OFFSET);
    }

    public int payloadOffset() {
        return offset + headerLength();
    }

    /** Segment length ({@link #length()}) minus the header. */
    public int payloadLength() {
        return length - headerLength();
    }
}
