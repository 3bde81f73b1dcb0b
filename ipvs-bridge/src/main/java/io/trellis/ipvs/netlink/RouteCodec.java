package io.trellis.ipvs.netlink;

import static io.trellis.ipvs.netlink.NetlinkConstants.AF_INET;
import static io.trellis.ipvs.netlink.NetlinkConstants.AF_INET6;
import static io.trellis.ipvs.netlink.NetlinkConstants.RT_SCOPE_UNIVERSE;
import static io.trellis.ipvs.netlink.NetlinkConstants.familyOf;
import static io.trellis.ipvs.netlink.NetlinkMessage.RTMSG_SIZE;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Encodes route requests and decodes RTM_NEWROUTE replies: struct rtmsg and the RTA_* attributes
 * of linux/rtnetlink.h, main table only. Never sees a socket.
 */
final class RouteCodec {

    // linux/rtnetlink.h
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;
    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_TABLE = 15;
    static final int RT_TABLE_MAIN = 254;
    static final int RTPROT_BOOT = 3;
    static final int RTN_UNICAST = 1;
    static final int RT_SCOPE_LINK = 253;
    static final int RT_SCOPE_NOWHERE = 255;

    private RouteCodec() {
    }

    /**
     * A unicast route in the main table, as {@code ip route add} builds it: protocol "boot", scope
     * link when there is no gateway (the destination is on the link), universe otherwise.
     * {@code outputIndex} is 0 to let the kernel pick the interface from the gateway.
     */
    static NetlinkMessage add(NetlinkMessage message, IpPrefix destination, InetAddress gateway, int outputIndex) {
        int scope = gateway == null ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        message.rtmsg(familyOf(destination.address()), destination.length(), RT_TABLE_MAIN, RTPROT_BOOT, scope,
                RTN_UNICAST);
        return attributes(message, destination, gateway, outputIndex);
    }

    /**
     * A deletion that matches any scope, type and protocol (RT_SCOPE_NOWHERE and 0 are wildcards to
     * fib_table_delete), narrowed by the gateway and interface when given.
     */
    static NetlinkMessage delete(NetlinkMessage message, IpPrefix destination, InetAddress gateway, int outputIndex) {
        message.rtmsg(familyOf(destination.address()), destination.length(), RT_TABLE_MAIN, 0, RT_SCOPE_NOWHERE, 0);
        return attributes(message, destination, gateway, outputIndex);
    }

    /** Refuses a gateway of another IP version than the destination (RTA_VIA is not supported). */
    static void checkGateway(IpPrefix destination, InetAddress gateway) {
        if (gateway != null && familyOf(gateway) != familyOf(destination.address())) {
            throw new IllegalArgumentException("gateway " + gateway.getHostAddress() + " of route to " + destination
                    + " must be of the same IP version as the destination");
        }
    }

    /** The route as {@code ip route} writes it, for error messages. */
    static String describe(IpPrefix destination, InetAddress gateway, String dev) {
        return destination + (gateway == null ? "" : " via " + gateway.getHostAddress()) + (dev == null ? "" : " dev " + dev);
    }

    /** An IPv4 or IPv6 RTM_NEWROUTE of the main table as a {@link Route}; anything else gives {@code null}. */
    static Route parse(NetlinkReply reply) throws NetlinkParseException {
        if (reply.type() != RTM_NEWROUTE) {
            return null;
        }
        int family = reply.u8(0);
        Attributes attributes = reply.attributes(RTMSG_SIZE);
        // rtm_table is a u8; tables above 255 are only in RTA_TABLE.
        if ((family != AF_INET && family != AF_INET6) || attributes.u32(RTA_TABLE, reply.u8(4)) != RT_TABLE_MAIN) {
            return null;
        }
        int length = reply.u8(1);
        InetAddress destination = attributes.has(RTA_DST) ? attributes.address(RTA_DST) : unspecified(family);
        int bits = destination instanceof Inet4Address ? 32 : 128;
        if (length > bits) {
            throw new NetlinkParseException("route to " + destination.getHostAddress() + " has prefix length "
                    + length + ", but must have 0 to " + bits);
        }
        return new Route(new IpPrefix(destination, length), attributes.address(RTA_GATEWAY),
                attributes.u32(RTA_OIF, 0), reply.u8(5), reply.u8(6), reply.u8(7));
    }

    private static NetlinkMessage attributes(NetlinkMessage message, IpPrefix destination, InetAddress gateway,
            int outputIndex) {
        message.putAddress(RTA_DST, destination.address());
        if (gateway != null) {
            message.putAddress(RTA_GATEWAY, gateway);
        }
        if (outputIndex > 0) {
            message.putU32(RTA_OIF, outputIndex);
        }
        return message;
    }

    /** A default route has no RTA_DST: its destination is 0.0.0.0/0 or ::/0. */
    private static InetAddress unspecified(int family) {
        try {
            return InetAddress.getByAddress(new byte[family == AF_INET ? 4 : 16]);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 and 16 bytes are always valid", e);
        }
    }
}
