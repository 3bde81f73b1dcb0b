package io.trellis.daemon.lb;

/** Where this node balances VIPs: in its user-space switch, or in the kernel's IPVS. */
public enum LbMode {
    USERSPACE("userspace"),
    IPVS("ipvs");

    private final String flag;

    LbMode(String flag) {
        this.flag = flag;
    }

    /** As {@code --lb} spells it. */
    public String flag() {
        return flag;
    }
}
