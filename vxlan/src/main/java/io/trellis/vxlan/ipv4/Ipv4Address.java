package io.trellis.vxlan.ipv4;

/**
 * IPv4 addresses as {@code int}s in network order (first octet in the top byte), as
 * {@code ByteBuf.getInt} reads them. Formatting and parsing are for logs, the CLI and tests; they
 * never resolve names.
 */
public final class Ipv4Address {
    private Ipv4Address() {
    }

    /** Dotted decimal: {@code 198.51.100.1}. */
    public static String toString(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }

    /**
     * Parses four decimal octets 0–255 separated by dots (no leading '+', no empty octets, at most
     * three digits each).
     *
     * @throws IllegalArgumentException naming the text and the accepted form
     */
    public static int parse(String text) {
        if (text == null) {
            throw invalid(null);
        }
        int address = 0;
        int octets = 0;
        int i = 0;
        final int n = text.length();
        while (true) {
            int start = i;
            int value = 0;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9' && i - start < 3) {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            if (i == start || value > 255) {
                throw invalid(text);
            }
            address = address << 8 | value;
            octets++;
            if (octets == 4) {
                if (i != n) {
                    throw invalid(text);
                }
                return address;
            }
            if (i >= n || text.charAt(i) != '.') {
                throw invalid(text);
            }
            i++;
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not an IPv4 address: expected four decimal "
                + "octets 0 to 255 separated by dots, like 10.0.1.5");
    }
}
