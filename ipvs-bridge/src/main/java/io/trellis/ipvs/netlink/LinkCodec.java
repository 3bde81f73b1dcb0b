package io.trellis.ipvs.netlink;

import static io.trellis.ipvs.netlink.NetlinkConstants.AF_UNSPEC;
import static io.trellis.ipvs.netlink.NetlinkConstants.IFF_UP;
import static io.trellis.ipvs.netlink.NetlinkMessage.IFINFOMSG_SIZE;

/**
 * Encodes link requests and decodes RTM_NEWLINK replies: struct ifinfomsg and the IFLA_*
 * attributes of linux/if_link.h. Never sees a socket.
 */
final class LinkCodec {

    // linux/rtnetlink.h
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_SETLINK = 19;

    // linux/if_link.h
    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_MASTER = 10;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_NET_NS_FD = 28;
    static final int IFLA_GSO_MAX_SEGS = 40;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;

    // linux/veth.h: the peer is a whole ifinfomsg plus its own IFLA_* attributes
    static final int VETH_INFO_PEER = 1;

    // linux/if_link.h
    static final int IFLA_VXLAN_ID = 1;
    static final int IFLA_VXLAN_GROUP = 2; // the remote VTEP, unicast or multicast
    static final int IFLA_VXLAN_LINK = 3;
    static final int IFLA_VXLAN_LOCAL = 4;
    static final int IFLA_VXLAN_LEARNING = 7;
    static final int IFLA_VXLAN_PROXY = 11;
    static final int IFLA_VXLAN_PORT = 15; // __be16
    static final int IFLA_VXLAN_UDP_CSUM = 18;

    private LinkCodec() {
    }

    /**
     * Names the link by IFLA_IFNAME with ifi_index 0, which RTM_GETLINK, RTM_SETLINK and RTM_DELLINK
     * all accept. Not for a rename: with an index, RTM_SETLINK reads IFLA_IFNAME as the new name.
     */
    static NetlinkMessage select(NetlinkMessage message, String name) {
        return message.ifinfomsg(AF_UNSPEC, 0, 0, 0).putString(IFLA_IFNAME, name);
    }

    static NetlinkMessage select(NetlinkMessage message, int index) {
        return message.ifinfomsg(AF_UNSPEC, index, 0, 0);
    }

    /**
     * Names the link by {@code index}, or by {@code name} if that is not {@code null}, and sets or
     * clears IFF_UP. ifi_change masks which ifi_flags bits change (linux/rtnetlink.h): only IFF_UP.
     */
    static NetlinkMessage upFlag(NetlinkMessage message, int index, String name, boolean up) {
        message.ifinfomsg(AF_UNSPEC, index, up ? IFF_UP : 0, IFF_UP);
        return name == null ? message : message.putString(IFLA_IFNAME, name);
    }

    /** A new link of {@code kind} that needs no IFLA_INFO_DATA (bridge, dummy). */
    static NetlinkMessage create(NetlinkMessage message, String name, String kind) {
        return message.endNested(linkInfo(message, name, kind));
    }

    /**
     * A veth pair; {@code peerNamespaceFd} is an open namespace file for the peer, or -1 to keep it
     * beside {@code name}. IFLA_NET_NS_FD inside VETH_INFO_PEER places only the peer.
     */
    static NetlinkMessage createVeth(NetlinkMessage message, String name, String peer, int peerNamespaceFd) {
        int linkInfo = linkInfo(message, name, "veth");
        int data = message.beginNested(IFLA_INFO_DATA);
        int peerInfo = message.beginNested(VETH_INFO_PEER);
        message.ifinfomsg(AF_UNSPEC, 0, 0, 0).putString(IFLA_IFNAME, peer);
        if (peerNamespaceFd >= 0) {
            message.putU32(IFLA_NET_NS_FD, peerNamespaceFd);
        }
        return message.endNested(peerInfo).endNested(data).endNested(linkInfo);
    }

    /**
     * A VXLAN device; {@code underlayIndex} is the ifindex of {@code spec.underlay()}, or 0. Every
     * switch is sent explicitly, so the result does not depend on this kernel's defaults.
     */
    static NetlinkMessage createVxlan(NetlinkMessage message, String name, VxlanSpec spec, int underlayIndex) {
        int linkInfo = linkInfo(message, name, "vxlan");
        int data = message.beginNested(IFLA_INFO_DATA);
        message.putU32(IFLA_VXLAN_ID, spec.vni())
                .putAddress(IFLA_VXLAN_LOCAL, spec.local())
                .putBe16(IFLA_VXLAN_PORT, spec.dstPort())
                .putU8(IFLA_VXLAN_LEARNING, spec.learning() ? 1 : 0)
                .putU8(IFLA_VXLAN_UDP_CSUM, spec.udpChecksumTx() ? 1 : 0)
                .putU8(IFLA_VXLAN_PROXY, spec.arpProxy() ? 1 : 0);
        if (spec.remote() != null) {
            message.putAddress(IFLA_VXLAN_GROUP, spec.remote());
        }
        if (underlayIndex > 0) {
            message.putU32(IFLA_VXLAN_LINK, underlayIndex);
        }
        return message.endNested(data).endNested(linkInfo);
    }

    /** An RTM_NEWLINK reply as a {@link Link}; other message types give {@code null}. */
    static Link parse(NetlinkReply reply) throws NetlinkParseException {
        if (reply.type() != RTM_NEWLINK) {
            return null;
        }
        int index = reply.s32(4);
        int flags = reply.s32(8);
        Attributes attributes = reply.attributes(IFINFOMSG_SIZE);
        String name = attributes.string(IFLA_IFNAME);
        if (name == null) {
            throw new NetlinkParseException("RTM_NEWLINK for ifindex " + index + " has no IFLA_IFNAME");
        }
        byte[] address = attributes.bytes(IFLA_ADDRESS);
        return new Link(index, name, attributes.u32(IFLA_MTU, 0), flags,
                attributes.nested(IFLA_LINKINFO).string(IFLA_INFO_KIND),
                address != null && address.length == 6 ? MacAddress.of(address) : null,
                attributes.u32(IFLA_MASTER, 0));
    }

    /** Opens IFLA_LINKINFO after the ifinfomsg and name of a new link; returns its nest token. */
    private static int linkInfo(NetlinkMessage message, String name, String kind) {
        select(message, name);
        int linkInfo = message.beginNested(IFLA_LINKINFO);
        message.putString(IFLA_INFO_KIND, kind);
        return linkInfo;
    }
}
