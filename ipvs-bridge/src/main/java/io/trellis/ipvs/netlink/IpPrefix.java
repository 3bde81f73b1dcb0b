package io.trellis.ipvs.netlink;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 address with a prefix length, written in CIDR notation ({@code 10.0.0.0/8}). */
public record IpPrefix(InetAddress address, int length) {

    // Strict literals only: anything InetAddress cannot read as a literal it would look up in DNS.
    // Octets without leading zeros, which some JDKs read as octal and others reject.
    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final String IPV4 = OCTET + "(\\." + OCTET + "){3}";
    // With a colon, InetAddress only ever parses an IPv6 literal, never resolves.
    private static final String IPV6 = "[\\p{XDigit}:.]*:[\\p{XDigit}:.]*";

    public IpPrefix {
        int bits = address instanceof Inet4Address ? 32 : 128;
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " of " + address.getHostAddress()
                    + " must be 0 to " + bits);
        }
    }

    /** Parses {@code address/length}; the address must be a literal, so no name is ever resolved. */
    public static IpPrefix parse(String cidr) {
        int slash = cidr.indexOf('/');
        String literal = slash < 0 ? "" : cidr.substring(0, slash);
        String length = slash < 0 ? "" : cidr.substring(slash + 1);
        if (!(literal.matches(IPV4) || literal.matches(IPV6)) || !length.matches("\\d{1,3}")) {
            throw new IllegalArgumentException("prefix '" + cidr
                    + "' must be an IPv4 or IPv6 literal, a slash and a length, such as 10.0.0.0/8");
        }
        try {
            return new IpPrefix(InetAddress.getByName(literal), Integer.parseInt(length));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("prefix '" + cidr + "' holds an invalid address: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }
}
