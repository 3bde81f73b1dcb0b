package io.trellis.ipvs.netlink;

import java.net.InetAddress;

/**
 * One forwarding-database entry of a bridge port or VXLAN device (AF_BRIDGE RTM_NEWNEIGH). A VXLAN
 * entry with several remote VTEPs is listed once per remote.
 *
 * @param index the ifindex of the device that holds the entry
 * @param remote the remote VTEP (NDA_DST) of a VXLAN entry, or {@code null} for a bridge entry
 * @param state NUD_* of linux/neighbour.h (0x80 permanent, 0x40 noarp, 0x02 reachable)
 * @param flags NTF_* of linux/neighbour.h (0x02 self: the device's own table; 0x04 master)
 */
public record FdbEntry(int index, MacAddress mac, InetAddress remote, int state, int flags) {
}
