package io.trellis.ipvs.lvs;

/** The transport protocols IPVS balances, with their IP protocol numbers (IPVS_SVC_ATTR_PROTOCOL). */
public enum IpvsProtocol {
    TCP(6),
    UDP(17),
    SCTP(132);

    private final int number;

    IpvsProtocol(int number) {
        this.number = number;
    }

    /** The IPPROTO_* number. */
    public int number() {
        return number;
    }

    /** The protocol of IPPROTO_* {@code number}, or {@code null} if IPVS has no such protocol. */
    static IpvsProtocol of(int number) {
        for (IpvsProtocol protocol : values()) {
            if (protocol.number == number) {
                return protocol;
            }
        }
        return null;
    }
}
