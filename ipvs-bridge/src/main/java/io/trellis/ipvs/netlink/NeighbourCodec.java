package io.trellis.ipvs.netlink;

import static io.trellis.ipvs.netlink.NetlinkConstants.AF_BRIDGE;
import static io.trellis.ipvs.netlink.NetlinkConstants.familyOf;
import static io.trellis.ipvs.netlink.NetlinkMessage.NDMSG_SIZE;

import java.net.InetAddress;

/**
 * Encodes neighbour and forwarding-database requests and decodes AF_BRIDGE RTM_NEWNEIGH replies:
 * struct ndmsg and the NDA_* attributes of linux/neighbour.h. Never sees a socket.
 */
final class NeighbourCodec {

    // linux/rtnetlink.h
    static final int RTM_NEWNEIGH = 28;
    static final int RTM_DELNEIGH = 29;
    static final int RTM_GETNEIGH = 30;

    // linux/neighbour.h
    static final int NDA_DST = 1;
    static final int NDA_LLADDR = 2;
    static final int NUD_REACHABLE = 0x02;
    static final int NUD_NOARP = 0x40;
    static final int NUD_PERMANENT = 0x80;
    static final int NTF_SELF = 0x02;

    private NeighbourCodec() {
    }

    /** An ARP or NDP entry for RTM_NEWNEIGH ({@code mac} given) or RTM_DELNEIGH ({@code mac} null). */
    static NetlinkMessage neighbour(NetlinkMessage message, int index, InetAddress address, MacAddress mac, int state) {
        message.ndmsg(familyOf(address), index, state, 0).putAddress(NDA_DST, address);
        return mac == null ? message : message.putBytes(NDA_LLADDR, mac.bytes());
    }

    /**
     * An FDB entry of the device itself (NTF_SELF: the VXLAN driver's table, not that of a bridge
     * the device may be a port of, which would be NTF_MASTER), permanent and never resolved (NUD_NOARP
     * | NUD_PERMANENT, what {@code bridge fdb append} sends). The VXLAN driver refuses states
     * without NUD_PERMANENT or NUD_REACHABLE.
     */
    static NetlinkMessage fdb(NetlinkMessage message, int index, MacAddress mac, InetAddress remote) {
        return message.ndmsg(AF_BRIDGE, index, NUD_NOARP | NUD_PERMANENT, NTF_SELF)
                .putBytes(NDA_LLADDR, mac.bytes())
                .putAddress(NDA_DST, remote);
    }

    /** An AF_BRIDGE RTM_NEWNEIGH as an {@link FdbEntry}; anything else gives {@code null}. */
    static FdbEntry parseFdb(NetlinkReply reply) throws NetlinkParseException {
        if (reply.type() != RTM_NEWNEIGH || reply.u8(0) != AF_BRIDGE) {
            return null;
        }
        int index = reply.s32(4);
        Attributes attributes = reply.attributes(NDMSG_SIZE);
        byte[] mac = attributes.bytes(NDA_LLADDR);
        if (mac == null || mac.length != 6) {
            throw new NetlinkParseException("FDB entry of ifindex " + index + " has "
                    + (mac == null ? "no NDA_LLADDR" : "a " + mac.length + "-byte NDA_LLADDR") + ", but needs 6 bytes");
        }
        return new FdbEntry(index, MacAddress.of(mac), attributes.address(NDA_DST), reply.u16(8), reply.u8(10));
    }
}
