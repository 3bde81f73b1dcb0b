package io.trellis.dataplane;

/** Why the data plane dropped a packet; every drop is counted under one of these, never logged. */
public enum DropReason {
    /** Headers did not decode (truncated, bad lengths, bad VXLAN flags). */
    MALFORMED,
    /** A VXLAN packet for a VNI this node does not serve. */
    UNKNOWN_VNI,
    /** Unicast to a MAC the forwarding table does not know: never flooded. */
    UNKNOWN_DESTINATION,
    /** A frame whose source MAC is not the endpoint it came from (spoofing, or a stale peer). */
    UNKNOWN_SOURCE,
    /**
     * Plain VXLAN from an underlay address that is not a remote VTEP of the network its VNI names
     * (no endpoint of that network there, nor the tunnel's peer). Counted here, under the network,
     * only when the sender is a peer of some other network on this node; from an address that is no
     * peer at all it is counted per VTEP ({@code VtepCounters.unknownPeer}), since the VNI is the
     * sender's to choose.
     */
    UNKNOWN_PEER,
    /** Broadcast or multicast other than ARP: the overlay does not flood. */
    BROADCAST,
    /** An ARP request for an address nobody on the network has. */
    ARP_UNKNOWN_TARGET,
    /** Larger than the network's MTU; an ICMP "fragmentation needed" went back when DF was set. */
    OVERSIZE,
    /** A TSO frame the segmenter could not cut (bad virtio header, not TCP, offsets out of range). */
    SEGMENTATION_FAILED,
    /** The device or socket refused to take the packet. */
    TX_FAILED,
    /**
     * To a VIP whose service has no backend: a TCP SYN was answered with an RST, UDP and ICMP
     * were dropped.
     */
    VIP_NO_BACKEND,
    /** A TCP segment to a VIP that belongs to no connection this node balanced; answered with an RST. */
    VIP_NO_CONNECTION,
    /** A TCP segment of a connection whose backend left the VIP's set; answered with an RST, the entry freed. */
    VIP_BACKEND_GONE,
    /** To a VIP but not balanced: an IPv4 fragment, a protocol other than TCP, UDP and ICMP echo. */
    VIP_UNSUPPORTED,
    /** A new flow to a VIP while the connection table was full. */
    CONNTRACK_FULL;

    /** Label value for metrics: lower case with underscores. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
