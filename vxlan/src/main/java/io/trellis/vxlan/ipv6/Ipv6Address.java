package io.trellis.vxlan.ipv6;

import io.trellis.vxlan.ipv4.Ipv4Address;

/**
 * An IPv6 address as two {@code long}s in network order: {@code high} holds bytes 0–7 and
 * {@code low} bytes 8–15, as {@code ByteBuf.getLong} reads them. Hot paths pass the two longs; this
 * record and its text forms are for configuration, logs and tests. Parsing never resolves names.
 */
public record Ipv6Address(long high, long low) {

    /** RFC 5952 text: lower-case hex, no leading zeros, the longest run of two or more zero groups as {@code ::}. */
    @Override
    public String toString() {
        return toString(high, low);
    }

    /** RFC 5952 §4 canonical text for the address {@code high:low}; IPv4-mapped addresses end in dotted decimal (§5). */
    public static String toString(long high, long low) {
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (high >>> (48 - 16 * i)) & 0xFFFF;
            groups[i + 4] = (int) (low >>> (48 - 16 * i)) & 0xFFFF;
        }
        boolean mapped = high == 0 && (low >>> 32) == 0xFFFF;
        int lastGroup = mapped ? 6 : 8;
        // RFC 5952 §4.2.3: compress the longest run of zero groups (the first on a tie), never a single one.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < lastGroup; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < lastGroup && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(45);
        for (int i = 0; i < lastGroup; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            sb.append(Integer.toHexString(groups[i]));
            if (i < lastGroup - 1 || mapped) {
                sb.append(':');
            }
        }
        if (mapped) {
            int v4 = (int) low;
            sb.append(v4 >>> 24).append('.').append(v4 >>> 16 & 0xFF).append('.').append(v4 >>> 8 & 0xFF).append('.').append(v4 & 0xFF);
        }
        return sb.toString();
    }

    /**
     * Parses RFC 4291 §2.2 text: eight groups of 1–4 hex digits, at most one {@code ::}, optionally
     * ending in a dotted-decimal IPv4 address. Zone ids and prefix lengths are not accepted.
     *
     * @throws IllegalArgumentException naming the text and the accepted form
     */
    public static Ipv6Address parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            throw invalid(text);
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = 0;
        final int n = text.length();
        if (text.startsWith("::")) {
            gap = 0;
            i = 2;
        } else if (text.charAt(0) == ':') {
            throw invalid(text);
        }
        while (i < n) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 5 && hexDigit(text.charAt(i)) >= 0) {
                value = value << 4 | hexDigit(text.charAt(i));
                i++;
            }
            if (i < n && text.charAt(i) == '.') {
                // Embedded IPv4 (RFC 4291 §2.2 form 3): the last 32 bits.
                if (count > 6) {
                    throw invalid(text);
                }
                int v4 = parseIpv4(text, start);
                groups[count++] = v4 >>> 16;
                groups[count++] = v4 & 0xFFFF;
                i = n;
                break;
            }
            if (i == start || i - start > 4 || count == 8) {
                throw invalid(text);
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != ':') {
                throw invalid(text);
            }
            i++;
            if (i < n && text.charAt(i) == ':') {
                if (gap >= 0) {
                    throw invalid(text);
                }
                gap = count;
                i++;
            } else if (i == n) {
                throw invalid(text);
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            throw invalid(text);
        }
        int[] full = new int[8];
        int tail = count - Math.max(gap, 0);
        for (int k = 0; k < (gap < 0 ? 8 : gap); k++) {
            full[k] = groups[k];
        }
        if (gap >= 0) {
            for (int k = 0; k < tail; k++) {
                full[8 - tail + k] = groups[gap + k];
            }
        }
        long high = 0;
        long low = 0;
        for (int k = 0; k < 4; k++) {
            high = high << 16 | full[k];
            low = low << 16 | full[k + 4];
        }
        return new Ipv6Address(high, low);
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

    private static int parseIpv4(String text, int start) {
        try {
            return Ipv4Address.parse(text.substring(start));
        } catch (IllegalArgumentException e) {
            throw invalid(text);
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not an IPv6 address: expected eight groups of "
                + "1 to 4 hex digits separated by ':', with at most one '::', like 2001:db8::5");
    }
}
