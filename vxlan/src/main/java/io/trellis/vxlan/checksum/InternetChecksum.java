package io.trellis.vxlan.checksum;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

/**
 * The Internet checksum: the 16-bit ones'-complement of the ones'-complement sum of 16-bit words
 * (RFC 1071). All methods are static, allocation-free and read the buffer with absolute gets.
 *
 * <p>Vocabulary: a <i>sum</i> is a ones'-complement sum folded to 16 bits (0–0xFFFF); sums of
 * consecutive ranges combine with {@link #add(int, int)} as long as every range but the last has an
 * even length (RFC 1071 §2(C): otherwise the next range's bytes would be swapped). A <i>checksum</i>
 * is the complement of a sum, the value stored in a header. Data including a correct checksum sums
 * to 0xFFFF (RFC 1071 §1 step 3).
 */
public final class InternetChecksum {
    /** What a range including its correct checksum sums to: "all 1 bits", -0 (RFC 1071 §1). */
    public static final int VALID_SUM = 0xFFFF;
    /**
     * Shortest range summed over raw memory. The raw path pays a fixed cost (address, two bounds
     * checks, the final swap) that only long ranges win back: with it from 64 bytes, a 1400-byte
     * datagram decoded 16 % faster but a 134-byte capture (its 100-byte UDP range) 35 % slower
     * (docs/benchmarks.md). Headers and pure ACKs stay on the plain path; MSS-sized payloads and
     * TSO segments take the raw one.
     */
    static final int NATIVE_MIN = 256;

    private InternetChecksum() {
    }

    /**
     * Ones'-complement sum of {@code length} bytes at {@code offset}, folded to 16 bits. An odd last
     * byte is padded with a zero byte on the right (RFC 1071 §1). Reads 8 bytes at a time: a 64-bit
     * word is added as two 32-bit halves into a long, and the end-around carries are folded once at
     * the end (RFC 1071 §2(A) deferred carries, §2(D) parallel summation).
     */
    public static int sum(ByteBuf buf, int offset, int length) {
        if (length >= NATIVE_MIN && buf.hasMemoryAddress() && PlatformDependent.isUnaligned()
                && !PlatformDependent.BIG_ENDIAN_NATIVE_ORDER) {
            buf.getByte(offset); // the bounds checks the raw reads below skip: first and last byte
            buf.getByte(offset + length - 1);
            return sumNative(buf.memoryAddress() + offset, length);
        }
        return sumIndexed(buf, offset, length);
    }

    /** The portable loop over ByteBuf reads; its own method so that {@link #sum} stays small enough to inline. */
    private static int sumIndexed(ByteBuf buf, int offset, int length) {
        long acc = 0;
        int i = offset;
        final int end = offset + length;
        while (end - i >= 8) {
            long word = buf.getLong(i);
            acc += (word >>> 32) + (word & 0xFFFF_FFFFL);
            i += 8;
        }
        if (end - i >= 4) {
            acc += buf.getUnsignedInt(i);
            i += 4;
        }
        if (end - i >= 2) {
            acc += buf.getUnsignedShort(i);
            i += 2;
        }
        if (i < end) {
            acc += buf.getUnsignedByte(i) << 8;
        }
        return fold(acc);
    }

    /** The checksum to store for a range whose checksum field is zero: {@code ~sum}. */
    public static int checksum(ByteBuf buf, int offset, int length) {
        return complement(sum(buf, offset, length));
    }

    /** The checksum over a pseudo-header sum plus a range (TCP, UDP, ICMPv6). */
    public static int checksum(ByteBuf buf, int offset, int length, int pseudoHeaderSum) {
        return complement(add(pseudoHeaderSum, sum(buf, offset, length)));
    }

    /** True when the range, checksum field included, sums to 0xFFFF. */
    public static boolean verify(ByteBuf buf, int offset, int length) {
        return sum(buf, offset, length) == VALID_SUM;
    }

    /** True when the pseudo-header sum plus the range, checksum field included, is 0xFFFF. */
    public static boolean verify(ByteBuf buf, int offset, int length, int pseudoHeaderSum) {
        return add(pseudoHeaderSum, sum(buf, offset, length)) == VALID_SUM;
    }

    /** Ones'-complement addition of two 16-bit sums (end-around carry). */
    public static int add(int sumA, int sumB) {
        return fold((long) (sumA & 0xFFFF) + (sumB & 0xFFFF));
    }

    /** The 16-bit ones'-complement of a sum: what goes into a checksum field. */
    public static int complement(int sum) {
        return ~sum & 0xFFFF;
    }

    /** Folds a non-negative accumulator to 16 bits with end-around carries; only all-zero input gives 0. */
    public static int fold(long acc) {
        acc = (acc & 0xFFFF_FFFFL) + (acc >>> 32);
        acc = (acc & 0xFFFF_FFFFL) + (acc >>> 32);
        int s = (int) ((acc & 0xFFFF) + (acc >>> 16));
        s = (s & 0xFFFF) + (s >>> 16);
        return (s & 0xFFFF) + (s >>> 16);
    }

    /**
     * The same sum over raw memory read in little-endian order, which skips a byte swap per word:
     * RFC 1071 §2(B) — the one's complement sum is byte-order independent, so summing swapped
     * 16-bit words and swapping the folded result gives the same checksum. This is the hot loop of
     * TSO segmentation (one pass over every payload byte), hence the raw reads.
     */
    private static int sumNative(long address, int length) {
        long a = address;
        final long end = address + length;
        // Four independent accumulators, 32 bytes a step: one chain of dependent adds was the
        // limit (docs/benchmarks.md has the numbers). Each add is below 2^33, so a long holds 2^30
        // of them: far beyond 64 KB.
        long acc0 = 0;
        long acc1 = 0;
        long acc2 = 0;
        long acc3 = 0;
        while (end - a >= 32) {
            long w0 = PlatformDependent.getLong(a);
            long w1 = PlatformDependent.getLong(a + 8);
            long w2 = PlatformDependent.getLong(a + 16);
            long w3 = PlatformDependent.getLong(a + 24);
            acc0 += (w0 >>> 32) + (w0 & 0xFFFF_FFFFL);
            acc1 += (w1 >>> 32) + (w1 & 0xFFFF_FFFFL);
            acc2 += (w2 >>> 32) + (w2 & 0xFFFF_FFFFL);
            acc3 += (w3 >>> 32) + (w3 & 0xFFFF_FFFFL);
            a += 32;
        }
        long acc = acc0 + acc1 + acc2 + acc3;
        while (end - a >= 8) {
            long word = PlatformDependent.getLong(a);
            acc += (word >>> 32) + (word & 0xFFFF_FFFFL);
            a += 8;
        }
        while (end - a >= 2) {
            acc += PlatformDependent.getShort(a) & 0xFFFF;
            a += 2;
        }
        if (a < end) {
            acc += PlatformDependent.getByte(a) & 0xFF; // the odd byte is the high byte, swapped below
        }
        int folded = fold(acc);
        return ((folded & 0xFF) << 8) | (folded >>> 8);
    }

    /**
     * Sum of the IPv4 pseudo-header (RFC 793 §3.1 for TCP, RFC 768 for UDP): source, destination,
     * zero byte + protocol, and the upper-layer length.
     */
    public static int pseudoHeaderSumIpv4(int source, int destination, int protocol, int upperLayerLength) {
        long acc = (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF)
                + (protocol & 0xFF) + (upperLayerLength & 0xFFFF);
        return fold(acc);
    }

    /** The IPv4 pseudo-header sum with the addresses read from the IPv4 header at {@code ipv4Offset}. */
    public static int pseudoHeaderSumIpv4(ByteBuf buf, int ipv4Offset, int protocol, int upperLayerLength) {
        return pseudoHeaderSumIpv4(buf.getInt(ipv4Offset + 12), buf.getInt(ipv4Offset + 16), protocol, upperLayerLength);
    }

    /**
     * Sum of the IPv6 pseudo-header (RFC 8200 §8.1): source and destination addresses, the 32-bit
     * upper-layer packet length, three zero bytes and the next header. Addresses are two longs each,
     * the high and low 64 bits in network order.
     */
    public static int pseudoHeaderSumIpv6(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow,
                                          int nextHeader, int upperLayerLength) {
        long acc = halves(sourceHigh) + halves(sourceLow) + halves(destinationHigh) + halves(destinationLow)
                + (upperLayerLength >>> 16) + (upperLayerLength & 0xFFFF) + (nextHeader & 0xFF);
        return fold(acc);
    }

    /** The IPv6 pseudo-header sum with the addresses read from the IPv6 header at {@code ipv6Offset}. */
    public static int pseudoHeaderSumIpv6(ByteBuf buf, int ipv6Offset, int nextHeader, int upperLayerLength) {
        return pseudoHeaderSumIpv6(buf.getLong(ipv6Offset + 8), buf.getLong(ipv6Offset + 16),
                buf.getLong(ipv6Offset + 24), buf.getLong(ipv6Offset + 32), nextHeader, upperLayerLength);
    }

    /**
     * The checksum after a 16-bit field covered by it changes from {@code oldValue} to
     * {@code newValue}: RFC 1624 §3 eqn. 3, {@code HC' = ~(~HC + ~m + m')}, which (unlike RFC 1141's
     * eqn. 2) agrees with a full recomputation, including when the result is 0x0000.
     *
     * <p>UDP: a stored checksum of 0 means "none" and must stay 0; a computed 0 must be sent as
     * 0xFFFF (RFC 768). The caller applies both rules, as in {@code UdpFlyweight}'s documentation.
     */
    public static int update16(int checksum, int oldValue, int newValue) {
        long acc = (~checksum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF);
        return complement(fold(acc));
    }

    /** {@link #update16} for a 32-bit field (an IPv4 address, a TCP sequence number): both halves at once. */
    public static int update32(int checksum, int oldValue, int newValue) {
        long acc = (~checksum & 0xFFFF) + (~oldValue >>> 16 & 0xFFFF) + (~oldValue & 0xFFFF)
                + (newValue >>> 16) + (newValue & 0xFFFF);
        return complement(fold(acc));
    }

    private static long halves(long word) {
        return (word >>> 32) + (word & 0xFFFF_FFFFL);
    }
}
