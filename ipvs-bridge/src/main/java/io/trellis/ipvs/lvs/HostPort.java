package io.trellis.ipvs.lvs;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Addresses as ipvsadm prints them: {@code 10.0.0.2:80}, {@code [fd00::1]:443} (RFC 5952 text). */
final class HostPort {

    private HostPort() {
    }

    static String of(InetAddress address, int port) {
        return address instanceof Inet6Address ? "[" + ipv6(address.getAddress()) + "]:" + port
                : address.getHostAddress() + ":" + port;
    }

    /** The longest run of two or more zero groups (the first, on a tie) becomes "::"; no scope. */
    static String ipv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
            } else {
                if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                    text.append(':');
                }
                text.append(Integer.toHexString(groups[i]));
            }
        }
        return text.toString();
    }
}
