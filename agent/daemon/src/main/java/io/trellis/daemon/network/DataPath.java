package io.trellis.daemon.network;

import java.util.Locale;

/** Which code switches this node's overlay frames ({@code --dataplane}). */
public enum DataPath {
    /** The agent's own switch, VTEP and VIP balancer ({@code OverlayDataplane}): TAPs, UDP sockets. */
    USERSPACE,
    /** A bridge and a kernel VXLAN device per network ({@code KernelOverlay}); VIPs by IPVS. */
    KERNEL;

    /** As {@code --dataplane} spells it. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
