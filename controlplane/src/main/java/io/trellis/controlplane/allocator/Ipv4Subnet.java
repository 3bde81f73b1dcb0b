package io.trellis.controlplane.allocator;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 subnet in CIDR form. Parses strictly: the address must be the network address
 * ({@code 10.0.1.5/24} is refused, as Docker does), so a stored subnet has one spelling.
 *
 * @param network the network address as an int (unsigned bits)
 */
public record Ipv4Subnet(int network, int prefixLength) {

    public Ipv4Subnet {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("invalid prefix length /" + prefixLength);
        }
        if ((network & ~mask(prefixLength)) != 0) {
            throw new IllegalArgumentException("invalid subnet " + Ipv4Subnet.format(network) + "/" + prefixLength
                    + ": host bits set (did you mean " + Ipv4Subnet.format(network & mask(prefixLength)) + "/"
                    + prefixLength + "?)");
        }
    }

    /** {@code A.B.C.D/N}; throws IllegalArgumentException with a one-line reason. */
    public static Ipv4Subnet parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("invalid subnet \"" + cidr + "\": expected CIDR such as 10.0.9.0/24");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid subnet \"" + cidr + "\": bad prefix length");
        }
        return new Ipv4Subnet(parseAddress(cidr.substring(0, slash)), prefix);
    }

    /** Dotted quad to int; throws IllegalArgumentException with a one-line reason. */
    public static int parseAddress(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("invalid IPv4 address \"" + dotted + "\"");
        }
        int a = 0;
        for (String p : parts) {
            int v;
            try {
                v = p.isEmpty() || p.length() > 3 ? -1 : Integer.parseInt(p);
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("invalid IPv4 address \"" + dotted + "\"");
            }
            a = a << 8 | v;
        }
        return a;
    }

    public static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }

    /** The address as a JDK {@link InetAddress}, for sockets. */
    public static InetAddress inetAddress(int address) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (address >>> 24), (byte) (address >>> 16),
                (byte) (address >>> 8), (byte) address});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e); // four bytes are always an address
        }
    }

    static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    public boolean contains(int address) {
        return (address & mask(prefixLength)) == network;
    }

    public boolean overlaps(Ipv4Subnet other) {
        int shorter = Math.min(prefixLength, other.prefixLength);
        return (network & mask(shorter)) == (other.network & mask(shorter));
    }

    /** Addresses in the subnet, network and broadcast included. */
    public long size() {
        return 1L << (32 - prefixLength);
    }

    /** The last address (broadcast for subnets of /30 and wider). */
    public int last() {
        return network | ~mask(prefixLength);
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefixLength;
    }
}
