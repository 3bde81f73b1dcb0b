package io.trellis.vxlan.ethernet;

/**
 * 48-bit MAC addresses held in the low 48 bits of a {@code long} (first octet in bits 47–40), so
 * hot paths compare and hash them without allocating. Formatting and parsing are for logs, the CLI
 * and tests.
 */
public final class MacAddress {
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    /** The address as it would be all zeroes (ARP request target hardware address, RFC 826). */
    public static final long ZERO = 0L;
    private static final long MASK = 0xFFFF_FFFF_FFFFL;
    /** I/G bit: least significant bit of the first octet (IEEE 802 §8.2). */
    private static final long GROUP_BIT = 1L << 40;
    /** U/L bit: second least significant bit of the first octet. */
    private static final long LOCAL_BIT = 1L << 41;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private MacAddress() {
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

    /** Lower-case, colon-separated: {@code 02:42:c6:33:64:01}. */
    public static String toString(long mac) {
        char[] out = new char[17];
        for (int i = 0; i < 6; i++) {
            int octet = (int) (mac >>> (40 - 8 * i)) & 0xFF;
            out[i * 3] = HEX[octet >>> 4];
            out[i * 3 + 1] = HEX[octet & 0xF];
            if (i < 5) {
                out[i * 3 + 2] = ':';
            }
        }
        return new String(out);
    }

    /**
     * Parses six two-digit hex octets separated by {@code :} or {@code -} (either case).
     *
     * @throws IllegalArgumentException naming the text and the accepted form
     */
    public static long parse(String text) {
        if (text == null || text.length() != 17) {
            throw invalid(text);
        }
        char separator = text.charAt(2);
        if (separator != ':' && separator != '-') {
            throw invalid(text);
        }
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            int hi = hexDigit(text.charAt(i * 3));
            int lo = hexDigit(text.charAt(i * 3 + 1));
            if (hi < 0 || lo < 0 || (i < 5 && text.charAt(i * 3 + 2) != separator)) {
                throw invalid(text);
            }
            mac = mac << 8 | hi << 4 | lo;
        }
        return mac;
    }

    /** ASCII hex digits only ({@code Character.digit} would also accept other scripts' digits). */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a MAC address: expected six hex octets "
                + "separated by ':' or '-', like 02:42:0a:00:00:05");
    }
}
