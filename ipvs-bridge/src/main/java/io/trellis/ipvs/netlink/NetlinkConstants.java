package io.trellis.ipvs.netlink;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Netlink framing values shared by every family, each with the uapi header that defines it.
 * Values specific to one kind of rtnetlink object live in its codec ({@code IFLA_*} in
 * {@link LinkCodec}, {@code IFA_*} in {@link AddressCodec}, {@code RTA_*} in {@link RouteCodec},
 * {@code NDA_*} in {@link NeighbourCodec}).
 */
public final class NetlinkConstants {

    // linux/socket.h
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_BRIDGE = 7;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;

    // linux/net.h
    public static final int SOCK_RAW = 3;

    // linux/socket.h: recv(2) flags
    public static final int MSG_TRUNC = 0x20; // return the datagram's real length even if it did not fit
    public static final int MSG_DONTWAIT = 0x40;

    // linux/netlink.h: protocol, socket options, struct sockaddr_nl (family, pad, pid, groups)
    public static final int NETLINK_ROUTE = 0;
    public static final int NETLINK_GENERIC = 16;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;
    public static final int SOCKADDR_NL_SIZE = 12;

    // linux/netlink.h: struct nlmsghdr is len u32, type u16, flags u16, seq u32, pid u32
    public static final int NLMSG_HDRLEN = 16;
    public static final int NLMSG_LEN_OFFSET = 0;
    public static final int NLMSG_TYPE_OFFSET = 4;
    public static final int NLMSG_FLAGS_OFFSET = 6;
    public static final int NLMSG_SEQ_OFFSET = 8;

    // linux/netlink.h: control message types; family types start at NLMSG_MIN_TYPE
    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_MIN_TYPE = 0x10;

    // linux/netlink.h: flags of every request
    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_DUMP_INTR = 0x10;
    // ... of GET requests
    public static final int NLM_F_DUMP = 0x300;
    // ... of NEW requests
    public static final int NLM_F_REPLACE = 0x100;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;
    public static final int NLM_F_APPEND = 0x800;
    // ... of NLMSG_ERROR replies: request not echoed back; extended-ack TLVs follow
    public static final int NLM_F_CAPPED = 0x100;
    public static final int NLM_F_ACK_TLVS = 0x200;

    // linux/netlink.h: struct nlmsgerr is int error + the request's nlmsghdr; enum nlmsgerr_attrs
    public static final int NLMSGERR_SIZE = 4 + NLMSG_HDRLEN;
    public static final int NLMSGERR_ATTR_MSG = 1;

    // linux/netlink.h: struct nlattr (= struct rtattr of linux/rtnetlink.h) is len u16, type u16
    public static final int NLA_HDRLEN = 4;
    public static final int NLA_ALIGNTO = 4;
    public static final int NLA_TYPE_MASK = 0x3fff; // strips NLA_F_NESTED, NLA_F_NET_BYTEORDER
    public static final int NLA_F_NESTED = 0x8000;

    // linux/rtnetlink.h enum rt_scope_t: the default scope of addresses and routes
    public static final int RT_SCOPE_UNIVERSE = 0;

    // linux/if.h
    public static final int IFF_UP = 0x1;

    // asm-generic/errno-base.h, asm-generic/errno.h
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int ENODEV = 19;
    public static final int EOPNOTSUPP = 95;
    /** The largest errno; linux/err.h MAX_ERRNO. */
    public static final int MAX_ERRNO = 4095;

    private NetlinkConstants() {
    }

    /** The address family of {@code address}: AF_INET or AF_INET6. */
    public static int familyOf(InetAddress address) {
        return address instanceof Inet4Address ? AF_INET : AF_INET6;
    }

    /** NLMSG_ALIGN / RTA_ALIGN: every message and attribute starts on a 4-byte boundary. */
    public static int align(int length) {
        return (length + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1);
    }
}
