package io.trellis.vxlan.ethernet;

/**
 * 48-bit MAC addresses as the hot paths hold them: in the low 48 bits of a {@code long}, first octet
 * in bits 47–40, so frames are switched, compared and hashed without allocating. Only the constants
 * and bit tests switching needs live here.
 *
 * <p>The text form ({@code aa:bb:cc:dd:ee:ff}: parsing, printing) is {@code io.trellis.ipvs.netlink.MacAddress}'s
 * alone, where MACs are values handed to the kernel; {@code MacAddress.of(long)} and
 * {@code toLong()} convert. This module depends on no other Trellis module, so it cannot use that
 * class, and a second parser here is what once let the two accept different spellings.
 */
public final class MacBits {
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    /** The address as it would be all zeroes (ARP request target hardware address, RFC 826). */
    public static final long ZERO = 0L;
    private static final long MASK = 0xFFFF_FFFF_FFFFL;
    /** I/G bit: least significant bit of the first octet (IEEE 802 §8.2). */
    private static final long GROUP_BIT = 1L << 40;
    /** U/L bit: second least significant bit of the first octet. */
    private static final long LOCAL_BIT = 1L << 41;

    private MacBits() {
    }

    /** True for multicast and broadcast addresses (I/G bit set). */
    public static boolean isMulticast(long mac) {
        return (mac & GROUP_BIT) != 0;
    }

    public static boolean isBroadcast(long mac) {
        return (mac & MASK) == BROADCAST;
    }

    /** True for locally administered addresses (U/L bit set), like the ones Trellis derives. */
    public static boolean isLocallyAdministered(long mac) {
        return (mac & LOCAL_BIT) != 0;
    }
}
