package io.trellis.ipvs.netlink;

import java.net.InetAddress;

/**
 * A route of the main table, as RTM_NEWROUTE describes it. Multipath routes (RTA_MULTIPATH) are
 * listed with their destination only: their next hops are not decoded.
 *
 * @param gateway the next hop, or {@code null} for a directly connected destination
 * @param outputIndex the ifindex of the output interface (RTA_OIF), or 0 if none
 * @param protocol who installed it: RTPROT_* of linux/rtnetlink.h (2 kernel, 3 boot, 4 static)
 * @param scope RT_SCOPE_* of linux/rtnetlink.h (0 universe, 253 link, 254 host)
 * @param type RTN_* of linux/rtnetlink.h (1 unicast, 2 local, 6 blackhole...)
 */
public record Route(IpPrefix destination, InetAddress gateway, int outputIndex, int protocol, int scope, int type) {
}
