package io.trellis.vxlan.ethernet;

/**
 * The 16-bit EtherType of an Ethernet II frame (IEEE 802.3 §3.2.6; IANA/IEEE registry). An open
 * enum (Netty {@code DnsRecordType} style): {@link #valueOf(int)} returns a new instance for values
 * not listed here, so unknown types round-trip. Hot paths compare the {@code *_VALUE} constants.
 */
public final class EtherType implements Comparable<EtherType> {
    public static final int IPV4_VALUE = 0x0800;
    public static final int ARP_VALUE = 0x0806;
    public static final int VLAN_VALUE = 0x8100;
    public static final int IPV6_VALUE = 0x86DD;
    /** Values below this are IEEE 802.3 length fields, not EtherTypes. */
    public static final int MIN_ETHER_TYPE = 0x0600;

    public static final EtherType IPV4 = new EtherType(IPV4_VALUE, "IPv4");
    public static final EtherType ARP = new EtherType(ARP_VALUE, "ARP");
    /** IEEE 802.1Q customer VLAN tag protocol identifier (TPID). */
    public static final EtherType VLAN = new EtherType(VLAN_VALUE, "802.1Q");
    public static final EtherType IPV6 = new EtherType(IPV6_VALUE, "IPv6");

    private final int value;
    private final String name;

    private EtherType(int value, String name) {
        this.value = value;
        this.name = name;
    }

    /** The constant for {@code value}, or a new instance named {@code UNKNOWN(0x....)} for other 16-bit values. */
    public static EtherType valueOf(int value) {
        switch (value) {
            case IPV4_VALUE: return IPV4;
            case ARP_VALUE: return ARP;
            case VLAN_VALUE: return VLAN;
            case IPV6_VALUE: return IPV6;
            default:
                if (value < 0 || value > 0xFFFF) {
                    throw new IllegalArgumentException("EtherType " + value + " is out of range: it is 16 bits (0 to 0xFFFF)");
                }
                return new EtherType(value, String.format("UNKNOWN(0x%04x)", value));
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
        return o instanceof EtherType && ((EtherType) o).value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    @Override
    public int compareTo(EtherType o) {
        return Integer.compare(value, o.value);
    }

    @Override
    public String toString() {
        return name;
    }
}
