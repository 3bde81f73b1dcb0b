package io.trellis.ipvs.netlink;

import static io.trellis.ipvs.netlink.NetlinkConstants.IFF_UP;

/**
 * A network interface as RTM_NEWLINK describes it.
 *
 * @param index the ifindex, unique within its namespace
 * @param flags the IFF_* flags of linux/if.h (netdevice(7))
 * @param kind the rtnl_link_ops kind ({@code "veth"}, {@code "bridge"}, {@code "vxlan"}...), or
 *     {@code null} for devices a driver created without one, such as {@code lo} or a NIC
 * @param mac the hardware address, or {@code null} if it is not 6 bytes (tunnels without one)
 * @param masterIndex the ifindex of the bridge (or bond, VRF) it is attached to; 0 if none
 */
public record Link(int index, String name, int mtu, int flags, String kind, MacAddress mac, int masterIndex) {

    /** Whether it is administratively up (IFF_UP), whatever its carrier. */
    public boolean isUp() {
        return (flags & IFF_UP) != 0;
    }
}
