package io.trellis.vxlan;

/**
 * IANA "Assigned Internet Protocol Numbers": the IPv4 Protocol field and the IPv6 Next Header
 * field, and the protocol byte of both pseudo-headers. An open enum (Netty {@code DnsRecordType}
 * style): {@link #valueOf(int)} returns a new instance for numbers not listed here, so unknown values
 * survive a decode/encode round trip. Hot paths compare {@link #intValue()} or the {@code *_NUMBER}
 * constants, which are compile-time constants usable in {@code switch}.
 */
public final class IpProtocol implements Comparable<IpProtocol> {
    public static final int HOPOPT_NUMBER = 0;
    public static final int ICMP_NUMBER = 1;
    public static final int TCP_NUMBER = 6;
    public static final int UDP_NUMBER = 17;
    public static final int ICMPV6_NUMBER = 58;

    /** IPv6 Hop-by-Hop Options extension header (RFC 8200 §4.3), e.g. in MLD reports. */
    public static final IpProtocol HOPOPT = new IpProtocol(HOPOPT_NUMBER, "HOPOPT");
    public static final IpProtocol ICMP = new IpProtocol(ICMP_NUMBER, "ICMP");
    public static final IpProtocol TCP = new IpProtocol(TCP_NUMBER, "TCP");
    public static final IpProtocol UDP = new IpProtocol(UDP_NUMBER, "UDP");
    public static final IpProtocol ICMPV6 = new IpProtocol(ICMPV6_NUMBER, "ICMPv6");

    private final int value;
    private final String name;

    private IpProtocol(int value, String name) {
        this.value = value;
        this.name = name;
    }

    /** The constant for {@code value}, or a new instance named {@code UNKNOWN(n)} for other numbers 0–255. */
    public static IpProtocol valueOf(int value) {
        switch (value) {
            case HOPOPT_NUMBER: return HOPOPT;
            case ICMP_NUMBER: return ICMP;
            case TCP_NUMBER: return TCP;
            case UDP_NUMBER: return UDP;
            case ICMPV6_NUMBER: return ICMPV6;
            default:
                if (value < 0 || value > 0xFF) {
                    throw new IllegalArgumentException("IP protocol " + value + " is out of range: it is one byte (0 to 255)");
                }
                return new IpProtocol(value, "UNKNOWN(" + value + ")");
        }
    }

    public int intValue() {
        return value;
    }

    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpProtocol && ((IpProtocol) o).value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    @Override
    public int compareTo(IpProtocol o) {
        return Integer.compare(value, o.value);
    }

    @Override
    public String toString() {
        return name;
    }
}
