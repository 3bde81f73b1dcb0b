package io.trellis.ipvs.netlink;

import java.net.InetAddress;

/**
 * An address assigned to an interface, as RTM_NEWADDR describes it.
 *
 * @param index the ifindex of the interface
 * @param scope the RT_SCOPE_* of linux/rtnetlink.h: 0 universe, 253 link, 254 host
 */
public record LinkAddress(int index, InetAddress address, int prefixLength, int scope) {
}
