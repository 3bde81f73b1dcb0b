/**
 * rtnetlink over a NETLINK_ROUTE socket (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h,
 * linux/if_addr.h, linux/neighbour.h): links (veth, bridge, vxlan, dummy), addresses, main-table
 * routes, neighbours and the VXLAN forwarding database, so the product never runs {@code ip} or
 * {@code bridge}; and the framing generic netlink families share (NETLINK_GENERIC sockets, the
 * genlmsghdr, {@link io.trellis.ipvs.netlink.GenericFamily} lookup through "nlctrl"), which
 * {@code io.trellis.ipvs.lvs} builds IPVS on.
 *
 * <p>Layers: {@link io.trellis.ipvs.netlink.NetlinkLibC} binds socket(2), bind(2), setsockopt(2),
 * send(2), recv(2) and close(2); {@link io.trellis.ipvs.netlink.NetlinkSocket} frames requests
 * and waits for their ACK, error or end of dump; {@link io.trellis.ipvs.netlink.NetlinkMessage}
 * writes requests and {@link io.trellis.ipvs.netlink.NetlinkReply} and
 * {@link io.trellis.ipvs.netlink.Attributes} read replies; the {@code *Codec} classes know the
 * per-object structs and attributes and never see a socket;
 * {@link io.trellis.ipvs.netlink.RtNetlink} is the API callers use.
 *
 * <p>Mechanism only, no policy: nothing here decides which links, addresses or routes should
 * exist, retries, or treats "already exists" as success; that is the caller's reconciler's job.
 *
 * <p>Buffers: each socket owns one direct send buffer and one direct receive buffer for its whole
 * life, freed with it by the garbage collector; nothing is pooled or shared between sockets.
 * A {@code NetlinkMessage} writes into the send buffer and is spent once sent or once another
 * request is started; a {@code NetlinkReply} or {@code Attributes} view is valid only during the
 * parser call it is handed to, so parsers copy out what they keep (strings, byte arrays, records).
 *
 * <p>Namespaces: a socket acts on the network namespace its creating thread was in, for its whole
 * life; create it inside {@link io.trellis.ipvs.netns.NetworkNamespace#call} to act elsewhere.
 */
package io.trellis.ipvs.netlink;
