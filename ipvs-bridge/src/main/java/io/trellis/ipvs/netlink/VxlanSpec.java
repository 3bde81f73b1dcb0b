package io.trellis.ipvs.netlink;

import java.net.Inet4Address;

/**
 * The settings of a VXLAN device over IPv4 (linux/if_link.h IFLA_VXLAN_*). Start from
 * {@link #of} and change what differs from the kernel's defaults with the {@code with*} methods.
 *
 * @param vni the 24-bit VXLAN network identifier (RFC 7348 §5)
 * @param local the source address of outgoing packets
 * @param remote the single remote VTEP every unknown destination goes to, or {@code null} to
 *     rely on FDB entries alone ({@link RtNetlink#appendFdb})
 * @param dstPort the UDP destination port; 4789 is IANA's (RFC 7348 §5), 0 the kernel's 8472
 * @param underlay the interface to send through, or {@code null} to follow the routing table
 * @param learning whether source MACs of received packets are learnt into the FDB
 * @param udpChecksumTx whether to compute UDP checksums on transmit (IFLA_VXLAN_UDP_CSUM);
 *     RFC 7348 §5 allows zero. On receive over IPv4 the kernel always accepts a zero checksum and
 *     verifies any other, so there is no receive switch: linux/if_link.h only has IPv6 ones
 *     (IFLA_VXLAN_UDP_ZERO_CSUM6_RX)
 * @param arpProxy whether the device answers ARP requests itself from its neighbour table
 *     (IFLA_VXLAN_PROXY, {@code ip link add ... proxy}) instead of sending them to remote VTEPs
 */
public record VxlanSpec(int vni, Inet4Address local, Inet4Address remote, int dstPort, String underlay,
        boolean learning, boolean udpChecksumTx, boolean arpProxy) {

    private static final int MAX_VNI = (1 << 24) - 1;

    public VxlanSpec {
        if (vni < 0 || vni > MAX_VNI) {
            throw new IllegalArgumentException("VXLAN VNI " + vni + " must be 0 to " + MAX_VNI);
        }
        if (local == null) {
            throw new IllegalArgumentException("VXLAN local address must be given");
        }
        if (dstPort < 0 || dstPort > 0xffff) {
            throw new IllegalArgumentException("VXLAN destination port " + dstPort + " must be 0 to 65535");
        }
    }

    /** No remote, no underlay; learning and transmit checksums on, ARP proxy off, as the kernel defaults them. */
    public static VxlanSpec of(int vni, Inet4Address local, int dstPort) {
        return new VxlanSpec(vni, local, null, dstPort, null, true, true, false);
    }

    public VxlanSpec withRemote(Inet4Address newRemote) {
        return new VxlanSpec(vni, local, newRemote, dstPort, underlay, learning, udpChecksumTx, arpProxy);
    }

    public VxlanSpec withUnderlay(String newUnderlay) {
        return new VxlanSpec(vni, local, remote, dstPort, newUnderlay, learning, udpChecksumTx, arpProxy);
    }

    public VxlanSpec withLearning(boolean newLearning) {
        return new VxlanSpec(vni, local, remote, dstPort, underlay, newLearning, udpChecksumTx, arpProxy);
    }

    public VxlanSpec withUdpChecksumTx(boolean newUdpChecksumTx) {
        return new VxlanSpec(vni, local, remote, dstPort, underlay, learning, newUdpChecksumTx, arpProxy);
    }

    public VxlanSpec withArpProxy(boolean newArpProxy) {
        return new VxlanSpec(vni, local, remote, dstPort, underlay, learning, udpChecksumTx, newArpProxy);
    }
}
