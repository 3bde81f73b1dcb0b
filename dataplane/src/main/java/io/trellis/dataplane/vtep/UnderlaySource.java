package io.trellis.dataplane.vtep;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The outer source of a received datagram as the IPv4 int the switch's peer sets hold, read
 * without allocating: {@link Inet4Address#hashCode()} is its address (so it has been since JDK
 * 1.0; checked once at class load, with {@link InetAddress#getAddress()} as the fallback).
 * IPv4-mapped IPv6 senders (a socket bound to {@code ::}) map to their IPv4 address; any other
 * IPv6 sender is {@link #NOT_IPV4}: VTEPs, remote endpoints and tunnel peers are IPv4 only.
 */
final class UnderlaySource {
    /** What {@link #ipv4} returns for a sender that has no IPv4 address. */
    static final long NOT_IPV4 = -1L;

    private static final boolean HASH_IS_ADDRESS = hashIsAddress();

    private UnderlaySource() {
    }

    /** The sender's IPv4 address as an unsigned int in a long, or {@link #NOT_IPV4}. */
    static long ipv4(InetSocketAddress sender) {
        InetAddress a = sender == null ? null : sender.getAddress();
        if (a instanceof Inet4Address) {
            return (HASH_IS_ADDRESS ? a.hashCode() : bigEndian(a.getAddress(), 0)) & 0xFFFF_FFFFL;
        }
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress(); // off the fast path: IPv6 senders are never peers, unless mapped
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    return NOT_IPV4;
                }
            }
            if (b[10] == (byte) 0xFF && b[11] == (byte) 0xFF) {
                return bigEndian(b, 12) & 0xFFFF_FFFFL;
            }
        }
        return NOT_IPV4;
    }

    private static int bigEndian(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private static boolean hashIsAddress() {
        try {
            for (String probe : new String[] {"192.0.2.7", "255.254.253.252", "10.0.0.1"}) {
                InetAddress a = InetAddress.getByName(probe);
                if (a.hashCode() != bigEndian(a.getAddress(), 0)) {
                    return false;
                }
            }
            return true;
        } catch (java.net.UnknownHostException e) {
            return false; // literals never resolve through DNS; keep the portable path if they somehow fail
        }
    }
}
