package io.trellis.dataplane.model;

/** Docker's MAC rule for overlay endpoints: 02:42 followed by the four bytes of the IPv4 address. */
public final class EndpointAddress {
    private static final long PREFIX = 0x02_42L << 32;

    private EndpointAddress() {
    }

    public static long macOf(int ipv4) {
        return PREFIX | (ipv4 & 0xFFFF_FFFFL);
    }
}
