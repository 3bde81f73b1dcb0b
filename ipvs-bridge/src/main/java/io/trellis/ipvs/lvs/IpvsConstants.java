package io.trellis.ipvs.lvs;

/**
 * The generic netlink interface of IPVS, as include/uapi/linux/ip_vs.h defines it. Attributes of
 * a request or reply are IPVS_CMD_ATTR_*; a service is nested in IPVS_CMD_ATTR_SERVICE as
 * IPVS_SVC_ATTR_*, a destination in IPVS_CMD_ATTR_DEST as IPVS_DEST_ATTR_*, counters in a
 * *_ATTR_STATS or *_ATTR_STATS64 as IPVS_STATS_ATTR_*.
 *
 * <p>Wire quirks: ports are {@code __be16}; addresses are a 16-byte {@code union nf_inet_addr}
 * (IPv4 in its first 4 bytes); IPVS_SVC_ATTR_FLAGS is {@code struct ip_vs_flags {u32 flags; u32
 * mask;}}; an IPv4 IPVS_SVC_ATTR_NETMASK is a {@code __be32} mask but an IPv6 one a prefix length
 * in host order. Everything else is host order.
 */
public final class IpvsConstants {

    public static final String IPVS_GENL_NAME = "IPVS";
    public static final int IPVS_GENL_VERSION = 0x1;

    // commands
    public static final int IPVS_CMD_NEW_SERVICE = 1;
    public static final int IPVS_CMD_SET_SERVICE = 2;
    public static final int IPVS_CMD_DEL_SERVICE = 3;
    public static final int IPVS_CMD_GET_SERVICE = 4;
    public static final int IPVS_CMD_NEW_DEST = 5;
    public static final int IPVS_CMD_SET_DEST = 6;
    public static final int IPVS_CMD_DEL_DEST = 7;
    public static final int IPVS_CMD_GET_DEST = 8;
    public static final int IPVS_CMD_NEW_DAEMON = 9;
    public static final int IPVS_CMD_DEL_DAEMON = 10;
    public static final int IPVS_CMD_GET_DAEMON = 11;
    public static final int IPVS_CMD_SET_CONFIG = 12;
    public static final int IPVS_CMD_GET_CONFIG = 13;
    public static final int IPVS_CMD_SET_INFO = 14;
    public static final int IPVS_CMD_GET_INFO = 15;
    public static final int IPVS_CMD_ZERO = 16;
    public static final int IPVS_CMD_FLUSH = 17;

    // attributes of a command
    public static final int IPVS_CMD_ATTR_SERVICE = 1;
    public static final int IPVS_CMD_ATTR_DEST = 2;
    public static final int IPVS_CMD_ATTR_DAEMON = 3;
    public static final int IPVS_CMD_ATTR_TIMEOUT_TCP = 4;
    public static final int IPVS_CMD_ATTR_TIMEOUT_TCP_FIN = 5;
    public static final int IPVS_CMD_ATTR_TIMEOUT_UDP = 6;

    // attributes of a service
    public static final int IPVS_SVC_ATTR_AF = 1; // u16
    public static final int IPVS_SVC_ATTR_PROTOCOL = 2; // u16
    public static final int IPVS_SVC_ATTR_ADDR = 3; // union nf_inet_addr
    public static final int IPVS_SVC_ATTR_PORT = 4; // __be16
    public static final int IPVS_SVC_ATTR_FWMARK = 5; // u32
    public static final int IPVS_SVC_ATTR_SCHED_NAME = 6; // string
    public static final int IPVS_SVC_ATTR_FLAGS = 7; // struct ip_vs_flags
    public static final int IPVS_SVC_ATTR_TIMEOUT = 8; // u32, persistence seconds
    public static final int IPVS_SVC_ATTR_NETMASK = 9; // u32, persistence granularity
    public static final int IPVS_SVC_ATTR_STATS = 10; // nested IPVS_STATS_ATTR_*, 32-bit
    public static final int IPVS_SVC_ATTR_PE_NAME = 11; // string, persistence engine
    public static final int IPVS_SVC_ATTR_STATS64 = 12; // nested IPVS_STATS_ATTR_*, 64-bit

    // attributes of a destination
    public static final int IPVS_DEST_ATTR_ADDR = 1; // union nf_inet_addr
    public static final int IPVS_DEST_ATTR_PORT = 2; // __be16
    public static final int IPVS_DEST_ATTR_FWD_METHOD = 3; // u32, IP_VS_CONN_F_*
    public static final int IPVS_DEST_ATTR_WEIGHT = 4; // u32
    public static final int IPVS_DEST_ATTR_U_THRESH = 5; // u32
    public static final int IPVS_DEST_ATTR_L_THRESH = 6; // u32
    public static final int IPVS_DEST_ATTR_ACTIVE_CONNS = 7; // u32
    public static final int IPVS_DEST_ATTR_INACT_CONNS = 8; // u32
    public static final int IPVS_DEST_ATTR_PERSIST_CONNS = 9; // u32
    public static final int IPVS_DEST_ATTR_STATS = 10;
    public static final int IPVS_DEST_ATTR_ADDR_FAMILY = 11; // u16, since Linux 3.18
    public static final int IPVS_DEST_ATTR_STATS64 = 12;
    public static final int IPVS_DEST_ATTR_TUN_TYPE = 13; // u8, since Linux 5.2
    public static final int IPVS_DEST_ATTR_TUN_PORT = 14; // __be16
    public static final int IPVS_DEST_ATTR_TUN_FLAGS = 15; // u16, since Linux 5.3

    // attributes of the sync daemon
    public static final int IPVS_DAEMON_ATTR_STATE = 1;
    public static final int IPVS_DAEMON_ATTR_MCAST_IFN = 2;
    public static final int IPVS_DAEMON_ATTR_SYNC_ID = 3;
    public static final int IPVS_DAEMON_ATTR_SYNC_MAXLEN = 4;
    public static final int IPVS_DAEMON_ATTR_MCAST_GROUP = 5;
    public static final int IPVS_DAEMON_ATTR_MCAST_GROUP6 = 6;
    public static final int IPVS_DAEMON_ATTR_MCAST_PORT = 7;
    public static final int IPVS_DAEMON_ATTR_MCAST_TTL = 8;

    // counters: u32 in *_ATTR_STATS except the byte counts; all u64 in *_ATTR_STATS64
    public static final int IPVS_STATS_ATTR_CONNS = 1;
    public static final int IPVS_STATS_ATTR_INPKTS = 2;
    public static final int IPVS_STATS_ATTR_OUTPKTS = 3;
    public static final int IPVS_STATS_ATTR_INBYTES = 4; // u64 in both
    public static final int IPVS_STATS_ATTR_OUTBYTES = 5; // u64 in both
    public static final int IPVS_STATS_ATTR_CPS = 6;
    public static final int IPVS_STATS_ATTR_INPPS = 7;
    public static final int IPVS_STATS_ATTR_OUTPPS = 8;
    public static final int IPVS_STATS_ATTR_INBPS = 9;
    public static final int IPVS_STATS_ATTR_OUTBPS = 10;
    public static final int IPVS_STATS_ATTR_PAD = 11;

    // attributes of IPVS_CMD_GET_INFO's answer
    public static final int IPVS_INFO_ATTR_VERSION = 1; // u32, 0x00MMmmpp
    public static final int IPVS_INFO_ATTR_CONN_TAB_SIZE = 2; // u32

    // service flags
    public static final int IP_VS_SVC_F_PERSISTENT = 0x0001;
    /** Kernel bookkeeping (the service is in its hash table): reported, never meaningful to set. */
    public static final int IP_VS_SVC_F_HASHED = 0x0002;
    public static final int IP_VS_SVC_F_ONEPACKET = 0x0004;
    /** sh and mh: fall back to another server when the chosen one is unavailable. */
    public static final int IP_VS_SVC_F_SCHED1 = 0x0008;
    /** sh and mh: hash the source port too. */
    public static final int IP_VS_SVC_F_SCHED2 = 0x0010;
    public static final int IP_VS_SVC_F_SCHED3 = 0x0020;

    // forwarding methods (IPVS_DEST_ATTR_FWD_METHOD, IP_VS_CONN_F_FWD_MASK of the connection flags)
    public static final int IP_VS_CONN_F_MASQ = 0x0000;
    public static final int IP_VS_CONN_F_LOCALNODE = 0x0001;
    public static final int IP_VS_CONN_F_TUNNEL = 0x0002;
    public static final int IP_VS_CONN_F_DROUTE = 0x0003;
    public static final int IP_VS_CONN_F_BYPASS = 0x0004;
    public static final int IP_VS_CONN_F_FWD_MASK = 0x0007;

    /** The 16-byte {@code union nf_inet_addr} that carries every address. */
    public static final int NF_INET_ADDR_SIZE = 16;

    private IpvsConstants() {
    }
}
