package io.trellis.dataplane.model;

/**
 * An overlay network as the control plane publishes it: plain data, no Raft types.
 *
 * @param subnet       IPv4 network address as an int (e.g. 10.0.1.0)
 * @param prefixLength subnet prefix length
 * @param mtu          MTU of the overlay's endpoints (underlay MTU minus VXLAN overhead)
 */
public record OverlayNetwork(String id, String name, int vni, int subnet, int prefixLength, int mtu,
                             boolean encrypted) {

    /** RFC 7348 §5: 24-bit VNI. */
    public static final int MAX_VNI = 0xFF_FFFF;
    /** A 1500-byte underlay minus 50 bytes of outer Ethernet/IPv4/UDP/VXLAN headers. */
    public static final int MTU_DEFAULT = 1450;

    public OverlayNetwork {
        if (vni < 1 || vni > MAX_VNI) {
            throw new IllegalArgumentException("invalid VNI " + vni + ": must be 1-" + MAX_VNI);
        }
        if (mtu < 576 || mtu > 65_000) {
            throw new IllegalArgumentException("invalid MTU " + mtu + ": must be 576-65000");
        }
    }
}
