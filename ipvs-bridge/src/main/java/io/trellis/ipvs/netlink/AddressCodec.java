package io.trellis.ipvs.netlink;

import static io.trellis.ipvs.netlink.NetlinkConstants.RT_SCOPE_UNIVERSE;
import static io.trellis.ipvs.netlink.NetlinkConstants.familyOf;
import static io.trellis.ipvs.netlink.NetlinkMessage.IFADDRMSG_SIZE;

import java.net.InetAddress;

/**
 * Encodes address requests and decodes RTM_NEWADDR replies: struct ifaddrmsg and the IFA_*
 * attributes of linux/if_addr.h. Never sees a socket.
 */
final class AddressCodec {

    // linux/rtnetlink.h
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;

    // linux/if_addr.h: IFA_ADDRESS is the peer on point-to-point links, IFA_LOCAL our own address
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;

    private AddressCodec() {
    }

    /**
     * An address of {@code prefix} on ifindex {@code index}, for RTM_NEWADDR or RTM_DELADDR. Both
     * IFA_LOCAL and IFA_ADDRESS carry it, as iproute2 sends them: equal means "no peer".
     */
    static NetlinkMessage address(NetlinkMessage message, int index, IpPrefix prefix) {
        InetAddress address = prefix.address();
        return message.ifaddrmsg(familyOf(address), prefix.length(), 0, RT_SCOPE_UNIVERSE, index)
                .putAddress(IFA_LOCAL, address)
                .putAddress(IFA_ADDRESS, address);
    }

    /** An RTM_NEWADDR reply as a {@link LinkAddress}; other message types give {@code null}. */
    static LinkAddress parse(NetlinkReply reply) throws NetlinkParseException {
        if (reply.type() != RTM_NEWADDR) {
            return null;
        }
        int index = reply.s32(4);
        Attributes attributes = reply.attributes(IFADDRMSG_SIZE);
        // IPv6 sends only IFA_ADDRESS; IPv4 sends both, and IFA_ADDRESS may be a peer.
        InetAddress address = attributes.has(IFA_LOCAL) ? attributes.address(IFA_LOCAL) : attributes.address(IFA_ADDRESS);
        if (address == null) {
            throw new NetlinkParseException("RTM_NEWADDR for ifindex " + index + " has neither IFA_LOCAL nor IFA_ADDRESS");
        }
        return new LinkAddress(index, address, reply.u8(1), reply.u8(3));
    }
}
