package io.trellis.ipvs.lvs;

import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_ATTR_DEST;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_ATTR_SERVICE;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_ATTR_TIMEOUT_TCP;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_ATTR_TIMEOUT_TCP_FIN;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_ATTR_TIMEOUT_UDP;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_DEL_DEST;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_DEL_SERVICE;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_GET_CONFIG;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_GET_DEST;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_GET_INFO;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_GET_SERVICE;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_NEW_DEST;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_NEW_SERVICE;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_SET_CONFIG;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_SET_DEST;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_CMD_SET_SERVICE;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_ADDR;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_ADDR_FAMILY;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_FWD_METHOD;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_L_THRESH;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_PORT;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_U_THRESH;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_DEST_ATTR_WEIGHT;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_GENL_VERSION;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_ADDR;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_AF;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_FLAGS;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_FWMARK;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_NETMASK;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_PORT;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_PROTOCOL;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_SCHED_NAME;
import static io.trellis.ipvs.lvs.IpvsConstants.IPVS_SVC_ATTR_TIMEOUT;
import static io.trellis.ipvs.lvs.IpvsConstants.NF_INET_ADDR_SIZE;
import static io.trellis.ipvs.netlink.NetlinkConstants.AF_INET;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLA_F_NESTED;
import static io.trellis.ipvs.netlink.NetlinkConstants.familyOf;

import io.trellis.ipvs.netlink.NetlinkMessage;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes the IPVS requests into a message begun with the IPVS family id as its type; never sees
 * a socket. Attributes come in the order ipvsadm (libipvs) sends them. Commands on an existing
 * service or destination carry only the attributes that name it: the kernel reads the rest only
 * for NEW and SET (ip_vs_genl_parse_service/_dest with full_entry).
 */
final class IpvsRequests {

    /** IPVS_SVC_ATTR_FLAGS mask: every flag is set as given, none kept from the old service. */
    private static final int ALL_FLAGS = 0xffffffff;

    private IpvsRequests() {
    }

    static NetlinkMessage newService(NetlinkMessage message, VirtualService service) {
        return fullService(message.genlmsghdr(IPVS_CMD_NEW_SERVICE, IPVS_GENL_VERSION), service);
    }

    static NetlinkMessage setService(NetlinkMessage message, VirtualService service) {
        return fullService(message.genlmsghdr(IPVS_CMD_SET_SERVICE, IPVS_GENL_VERSION), service);
    }

    static NetlinkMessage deleteService(NetlinkMessage message, ServiceKey key) {
        return serviceKey(message.genlmsghdr(IPVS_CMD_DEL_SERVICE, IPVS_GENL_VERSION), key);
    }

    static NetlinkMessage getService(NetlinkMessage message, ServiceKey key) {
        return serviceKey(message.genlmsghdr(IPVS_CMD_GET_SERVICE, IPVS_GENL_VERSION), key);
    }

    /** Sent as a dump: every service of the namespace. */
    static NetlinkMessage listServices(NetlinkMessage message) {
        return message.genlmsghdr(IPVS_CMD_GET_SERVICE, IPVS_GENL_VERSION);
    }

    static NetlinkMessage newDestination(NetlinkMessage message, ServiceKey key, RealServer server) {
        return fullDestination(serviceKey(message.genlmsghdr(IPVS_CMD_NEW_DEST, IPVS_GENL_VERSION), key), server);
    }

    static NetlinkMessage setDestination(NetlinkMessage message, ServiceKey key, RealServer server) {
        return fullDestination(serviceKey(message.genlmsghdr(IPVS_CMD_SET_DEST, IPVS_GENL_VERSION), key), server);
    }

    static NetlinkMessage deleteDestination(NetlinkMessage message, ServiceKey key, InetAddress address, int port) {
        serviceKey(message.genlmsghdr(IPVS_CMD_DEL_DEST, IPVS_GENL_VERSION), key);
        int nest = message.beginNested(IPVS_CMD_ATTR_DEST | NLA_F_NESTED);
        return destinationKey(message, address, port).endNested(nest);
    }

    /** Sent as a dump: the destinations of one service. */
    static NetlinkMessage listDestinations(NetlinkMessage message, ServiceKey key) {
        return serviceKey(message.genlmsghdr(IPVS_CMD_GET_DEST, IPVS_GENL_VERSION), key);
    }

    static NetlinkMessage info(NetlinkMessage message) {
        return message.genlmsghdr(IPVS_CMD_GET_INFO, IPVS_GENL_VERSION);
    }

    static NetlinkMessage timeouts(NetlinkMessage message) {
        return message.genlmsghdr(IPVS_CMD_GET_CONFIG, IPVS_GENL_VERSION);
    }

    static NetlinkMessage setTimeouts(NetlinkMessage message, Timeouts timeouts) {
        return message.genlmsghdr(IPVS_CMD_SET_CONFIG, IPVS_GENL_VERSION)
                .putU32(IPVS_CMD_ATTR_TIMEOUT_TCP, timeouts.tcp())
                .putU32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, timeouts.tcpFin())
                .putU32(IPVS_CMD_ATTR_TIMEOUT_UDP, timeouts.udp());
    }

    /** IPVS_CMD_ATTR_SERVICE holding only what names the service. */
    private static NetlinkMessage serviceKey(NetlinkMessage message, ServiceKey key) {
        int nest = message.beginNested(IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED);
        return keyAttributes(message, key).endNested(nest);
    }

    private static NetlinkMessage fullService(NetlinkMessage message, VirtualService service) {
        int nest = message.beginNested(IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED);
        keyAttributes(message, service.key())
                .putString(IPVS_SVC_ATTR_SCHED_NAME, service.scheduler())
                .putBytes(IPVS_SVC_ATTR_FLAGS, flags(service.flags()))
                .putU32(IPVS_SVC_ATTR_TIMEOUT, service.timeoutSeconds());
        if (service.key().isIpv6()) {
            message.putU32(IPVS_SVC_ATTR_NETMASK, service.netmask());
        } else {
            // __be32: the mask in network order, as the kernel compares it with addresses
            int mask = service.netmask() == 0 ? 0 : -1 << (32 - service.netmask());
            message.putBytes(IPVS_SVC_ATTR_NETMASK, ByteBuffer.allocate(4).putInt(mask).array());
        }
        return message.endNested(nest);
    }

    private static NetlinkMessage keyAttributes(NetlinkMessage message, ServiceKey key) {
        if (key.isFwmark()) {
            return message.putU16(IPVS_SVC_ATTR_AF, AF_INET).putU32(IPVS_SVC_ATTR_FWMARK, key.fwmark());
        }
        return message.putU16(IPVS_SVC_ATTR_AF, familyOf(key.address()))
                .putU16(IPVS_SVC_ATTR_PROTOCOL, key.protocol().number())
                .putBytes(IPVS_SVC_ATTR_ADDR, inetAddr(key.address()))
                .putBe16(IPVS_SVC_ATTR_PORT, key.port());
    }

    private static NetlinkMessage fullDestination(NetlinkMessage message, RealServer server) {
        int nest = message.beginNested(IPVS_CMD_ATTR_DEST | NLA_F_NESTED);
        return destinationKey(message, server.address(), server.port())
                .putU32(IPVS_DEST_ATTR_FWD_METHOD, server.method().code())
                .putU32(IPVS_DEST_ATTR_WEIGHT, server.weight())
                .putU32(IPVS_DEST_ATTR_U_THRESH, server.upperThreshold())
                .putU32(IPVS_DEST_ATTR_L_THRESH, server.lowerThreshold())
                .endNested(nest);
    }

    /** The destination's own family (Linux 3.18+): it may differ from the service's when tunnelling. */
    private static NetlinkMessage destinationKey(NetlinkMessage message, InetAddress address, int port) {
        return message.putU16(IPVS_DEST_ATTR_ADDR_FAMILY, familyOf(address))
                .putBytes(IPVS_DEST_ATTR_ADDR, inetAddr(address))
                .putBe16(IPVS_DEST_ATTR_PORT, port);
    }

    /** union nf_inet_addr: 16 bytes whatever the family, IPv4 in the first 4. */
    private static byte[] inetAddr(InetAddress address) {
        byte[] union = new byte[NF_INET_ADDR_SIZE];
        byte[] raw = address.getAddress();
        System.arraycopy(raw, 0, union, 0, raw.length);
        return union;
    }

    /** struct ip_vs_flags in host order. */
    private static byte[] flags(int flags) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(flags).putInt(ALL_FLAGS).array();
    }
}
