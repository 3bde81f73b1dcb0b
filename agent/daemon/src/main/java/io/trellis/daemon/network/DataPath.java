package io.trellis.daemon.network;

/** Which code switches this node's overlay frames ({@code --dataplane}). */
public enum DataPath {
    /** The agent's own switch, VTEP and VIP balancer ({@code OverlayDataplane}): TAPs, UDP sockets. */
    USERSPACE,
    /** A bridge and a kernel VXLAN device per network ({@code KernelOverlay}); VIPs by IPVS. */
    KERNEL
}
