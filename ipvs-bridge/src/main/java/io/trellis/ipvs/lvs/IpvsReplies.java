package io.trellis.ipvs.lvs;

import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_ATTR_DEST;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_ATTR_SERVICE;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_ATTR_TIMEOUT_TCP;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_ATTR_TIMEOUT_TCP_FIN;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_ATTR_TIMEOUT_UDP;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_NEW_DEST;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_NEW_SERVICE;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_SET_CONFIG;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_SET_INFO;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_ACTIVE_CONNS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_ADDR;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_ADDR_FAMILY;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_FWD_METHOD;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_INACT_CONNS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_L_THRESH;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_PERSIST_CONNS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_PORT;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_STATS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_STATS64;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_U_THRESH;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_WEIGHT;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_INFO_ATTR_CONN_TAB_SIZE;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_INFO_ATTR_VERSION;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_STATS_ATTR_CONNS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_STATS_ATTR_CPS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_STATS_ATTR_INBPS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_STATS_ATTR_INBYTES;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_STATS_ATTR_INPKTS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_STATS_ATTR_INPPS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_STATS_ATTR_OUTBPS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_STATS_ATTR_OUTBYTES;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_STATS_ATTR_OUTPKTS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_STATS_ATTR_OUTPPS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_ADDR;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_AF;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_FLAGS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_FWMARK;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_NETMASK;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_PORT;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_PROTOCOL;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_SCHED_NAME;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_STATS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_STATS64;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_TIMEOUT;
import static io.trellis.ipvs.lvs.IpvsConstants.IP_VS_CONN_F_FWD_MASK;
import static io.trellis.ipvs.lvs.IpvsConstants.IP_VS_SVC_F_HASHED;
import static io.trellis.ipvs.lvs.IpvsConstants.NF_INET_ADDR_SIZE;
import static io.trellis.ipvs.netlink.GenericFamily.GENL_HDRLEN;
import static io.trellis.ipvs.netlink.NetlinkConstants.AF_INET;
import static io.trellis.ipvs.netlink.NetlinkConstants.AF_INET6;

import io.trellis.ipvs.netlink.Attributes;
import io.trellis.ipvs.netlink.NetlinkParseException;
import io.trellis.ipvs.netlink.NetlinkReply;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Reads the kernel's IPVS answers into records; never sees a socket. Quirks: see {@link IpvsConstants}. */
final class IpvsReplies {

    private IpvsReplies() {
    }

    /** One IPVS_CMD_NEW_SERVICE message of a GET_SERVICE answer or dump. */
    static VirtualService service(NetlinkReply reply) throws NetlinkParseException {
        if (reply.u8(0) != IPVS_CMD_NEW_SERVICE) {
            return null;
        }
        Attributes service = reply.attributes(GENL_HDRLEN).nested(IPVS_CMD_ATTR_SERVICE);
        int family = requiredU16(service, IPVS_SVC_ATTR_AF, "service address family");
        int fwmark = service.u32(IPVS_SVC_ATTR_FWMARK, 0);
        ServiceKey key;
        if (fwmark != 0) {
            key = ServiceKey.fwmark(fwmark);
        } else {
            int number = service.u16(IPVS_SVC_ATTR_PROTOCOL, -1);
            IpvsProtocol protocol = IpvsProtocol.of(number);
            if (protocol == null) {
                throw new NetlinkParseException("IPVS service of unknown protocol " + number);
            }
            InetAddress address = address(service, IPVS_SVC_ATTR_ADDR, family);
            key = new ServiceKey(protocol, address, service.be16(IPVS_SVC_ATTR_PORT, 0), 0);
        }
        String scheduler = service.string(IPVS_SVC_ATTR_SCHED_NAME);
        byte[] flags = service.bytes(IPVS_SVC_ATTR_FLAGS);
        if (scheduler == null || flags == null || flags.length < 4) {
            throw new NetlinkParseException("IPVS service " + key + " without a scheduler or flags");
        }
        return new VirtualService(key, scheduler, hostInt(flags) & ~IP_VS_SVC_F_HASHED,
                service.u32(IPVS_SVC_ATTR_TIMEOUT, 0), netmask(service, family),
                stats(service, IPVS_SVC_ATTR_STATS64, IPVS_SVC_ATTR_STATS));
    }

    /**
     * One IPVS_CMD_NEW_DEST message of a GET_DEST dump. Kernels before 3.18 send no address family
     * for a destination: it is then the service's, {@code serviceFamily}.
     */
    static RealServer destination(NetlinkReply reply, int serviceFamily) throws NetlinkParseException {
        if (reply.u8(0) != IPVS_CMD_NEW_DEST) {
            return null;
        }
        Attributes dest = reply.attributes(GENL_HDRLEN).nested(IPVS_CMD_ATTR_DEST);
        int family = dest.u16(IPVS_DEST_ATTR_ADDR_FAMILY, serviceFamily);
        InetAddress address = address(dest, IPVS_DEST_ATTR_ADDR, family);
        int code = requiredU32(dest, IPVS_DEST_ATTR_FWD_METHOD, "forwarding method");
        ForwardMethod method = ForwardMethod.of(code & IP_VS_CONN_F_FWD_MASK);
        if (method == null) {
            throw new NetlinkParseException("IPVS destination " + address.getHostAddress()
                    + " with unknown forwarding method " + code);
        }
        return new RealServer(address, dest.be16(IPVS_DEST_ATTR_PORT, 0), dest.u32(IPVS_DEST_ATTR_WEIGHT, 0), method,
                dest.u32(IPVS_DEST_ATTR_U_THRESH, 0), dest.u32(IPVS_DEST_ATTR_L_THRESH, 0),
                dest.u32(IPVS_DEST_ATTR_ACTIVE_CONNS, 0), dest.u32(IPVS_DEST_ATTR_INACT_CONNS, 0),
                dest.u32(IPVS_DEST_ATTR_PERSIST_CONNS, 0),
                stats(dest, IPVS_DEST_ATTR_STATS64, IPVS_DEST_ATTR_STATS));
    }

    /** The IPVS_CMD_SET_INFO answer to IPVS_CMD_GET_INFO. */
    static IpvsInfo info(NetlinkReply reply) throws NetlinkParseException {
        if (reply.u8(0) != IPVS_CMD_SET_INFO) {
            return null;
        }
        Attributes info = reply.attributes(GENL_HDRLEN);
        int version = requiredU32(info, IPVS_INFO_ATTR_VERSION, "IPVS version");
        return new IpvsInfo((version >>> 16 & 0xff) + "." + (version >>> 8 & 0xff) + "." + (version & 0xff),
                info.u32(IPVS_INFO_ATTR_CONN_TAB_SIZE, 0));
    }

    /** The IPVS_CMD_SET_CONFIG answer to IPVS_CMD_GET_CONFIG. */
    static Timeouts timeouts(NetlinkReply reply) throws NetlinkParseException {
        if (reply.u8(0) != IPVS_CMD_SET_CONFIG) {
            return null;
        }
        Attributes config = reply.attributes(GENL_HDRLEN);
        return new Timeouts(config.u32(IPVS_CMD_ATTR_TIMEOUT_TCP, 0), config.u32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, 0),
                config.u32(IPVS_CMD_ATTR_TIMEOUT_UDP, 0));
    }

    /** The 64-bit counters if present (Linux 4.1+), else the older ones, or {@code null} if neither. */
    private static IpvsStats stats(Attributes parent, int stats64, int stats32) throws NetlinkParseException {
        if (parent.has(stats64)) {
            Attributes s = parent.nested(stats64);
            return new IpvsStats(s.u64(IPVS_STATS_ATTR_CONNS, 0), s.u64(IPVS_STATS_ATTR_INPKTS, 0),
                    s.u64(IPVS_STATS_ATTR_OUTPKTS, 0), s.u64(IPVS_STATS_ATTR_INBYTES, 0),
                    s.u64(IPVS_STATS_ATTR_OUTBYTES, 0), s.u64(IPVS_STATS_ATTR_CPS, 0), s.u64(IPVS_STATS_ATTR_INPPS, 0),
                    s.u64(IPVS_STATS_ATTR_OUTPPS, 0), s.u64(IPVS_STATS_ATTR_INBPS, 0),
                    s.u64(IPVS_STATS_ATTR_OUTBPS, 0));
        }
        if (parent.has(stats32)) {
            Attributes s = parent.nested(stats32);
            return new IpvsStats(u32(s, IPVS_STATS_ATTR_CONNS), u32(s, IPVS_STATS_ATTR_INPKTS),
                    u32(s, IPVS_STATS_ATTR_OUTPKTS), s.u64(IPVS_STATS_ATTR_INBYTES, 0),
                    s.u64(IPVS_STATS_ATTR_OUTBYTES, 0),
                    u32(s, IPVS_STATS_ATTR_CPS), u32(s, IPVS_STATS_ATTR_INPPS), u32(s, IPVS_STATS_ATTR_OUTPPS),
                    u32(s, IPVS_STATS_ATTR_INBPS), u32(s, IPVS_STATS_ATTR_OUTBPS));
        }
        return null;
    }

    /** IPv4: a {@code __be32} mask, read as its prefix length; IPv6: the prefix length itself. */
    private static int netmask(Attributes service, int family) throws NetlinkParseException {
        byte[] raw = service.bytes(IPVS_SVC_ATTR_NETMASK);
        if (raw == null || raw.length < 4) {
            return family == AF_INET6 ? 128 : 32;
        }
        if (family == AF_INET6) {
            return hostInt(raw);
        }
        int mask = ByteBuffer.wrap(raw).getInt();
        return Integer.numberOfLeadingZeros(~mask);
    }

    /** A union nf_inet_addr of {@code family}: the first 4 of its 16 bytes for IPv4. */
    private static InetAddress address(Attributes attributes, int type, int family) throws NetlinkParseException {
        byte[] union = attributes.bytes(type);
        int length = family == AF_INET ? 4 : family == AF_INET6 ? 16 : -1;
        if (length < 0) {
            throw new NetlinkParseException("IPVS address of unknown family " + family);
        }
        if (union == null || union.length < length) {
            throw new NetlinkParseException("IPVS address attribute " + type + " missing or shorter than "
                    + NF_INET_ADDR_SIZE + " bytes");
        }
        try {
            return InetAddress.getByAddress(Arrays.copyOf(union, length));
        } catch (UnknownHostException e) {
            throw new AssertionError("4 and 16 bytes are always valid", e);
        }
    }

    private static int requiredU16(Attributes attributes, int type, String what) throws NetlinkParseException {
        return attributes.u16(type, present(attributes, type, what));
    }

    private static int requiredU32(Attributes attributes, int type, String what) throws NetlinkParseException {
        return attributes.u32(type, present(attributes, type, what));
    }

    private static int present(Attributes attributes, int type, String what) throws NetlinkParseException {
        if (!attributes.has(type)) {
            throw new NetlinkParseException("IPVS answer without its " + what + " (attribute " + type + ")");
        }
        return 0;
    }

    private static long u32(Attributes attributes, int type) throws NetlinkParseException {
        return Integer.toUnsignedLong(attributes.u32(type, 0));
    }

    private static int hostInt(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).getInt(0);
    }
}
