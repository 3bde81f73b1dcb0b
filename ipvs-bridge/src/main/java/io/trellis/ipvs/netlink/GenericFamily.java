package io.trellis.ipvs.netlink;

import static io.trellis.ipvs.netlink.NetlinkConstants.ENOENT;
import static io.trellis.ipvs.netlink.NetlinkConstants.NETLINK_GENERIC;

import java.io.IOException;
import java.util.Optional;

/**
 * A generic netlink family (linux/genetlink.h) as the "nlctrl" controller names it: requests to
 * the family carry {@code id} as their nlmsghdr type, which the kernel assigns when the family
 * registers, so it must be looked up by name on every host.
 *
 * @param version the family's own protocol version (CTRL_ATTR_VERSION)
 */
public record GenericFamily(String name, int id, int version) {

    // linux/genetlink.h: the controller's fixed family id and the genlmsghdr after every nlmsghdr
    public static final int GENL_ID_CTRL = 0x10;
    public static final int GENL_HDRLEN = 4;

    // linux/genetlink.h: controller commands and attributes
    static final int CTRL_CMD_NEWFAMILY = 1;
    static final int CTRL_CMD_GETFAMILY = 3;
    static final int CTRL_ATTR_FAMILY_ID = 1;
    static final int CTRL_ATTR_FAMILY_NAME = 2;
    static final int CTRL_ATTR_VERSION = 3;
    /** The controller protocol version requests carry; libnl sends 1 too, and the kernel ignores it. */
    static final int CTRL_VERSION = 1;

    /**
     * Looks {@code name} up through the controller of {@code socket}'s namespace; empty if no such
     * family is registered. Asking makes the kernel try to load the module that provides it (the
     * {@code net-pf-16-proto-16-family-NAME} alias) first, where modprobe is available.
     *
     * @throws IllegalArgumentException if {@code socket} is not a NETLINK_GENERIC socket
     */
    public static Optional<GenericFamily> resolve(NetlinkSocket socket, String name) throws IOException {
        if (socket.protocol() != NETLINK_GENERIC) {
            throw new IllegalArgumentException("generic netlink families are resolved over a NETLINK_GENERIC socket,"
                    + " not netlink protocol " + socket.protocol());
        }
        try {
            return socket.query(lookup(socket.message(GENL_ID_CTRL, 0), name), GenericFamily::parse,
                    "resolve generic netlink family", name);
        } catch (NetlinkException e) {
            if (e.errno() == ENOENT) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Writes CTRL_CMD_GETFAMILY for {@code name} into {@code message} (begun with type GENL_ID_CTRL). */
    static NetlinkMessage lookup(NetlinkMessage message, String name) {
        return message.genlmsghdr(CTRL_CMD_GETFAMILY, CTRL_VERSION).putString(CTRL_ATTR_FAMILY_NAME, name);
    }

    /** The controller's CTRL_CMD_NEWFAMILY answer; its operations and multicast groups are skipped. */
    static GenericFamily parse(NetlinkReply reply) throws NetlinkParseException {
        if (reply.u8(0) != CTRL_CMD_NEWFAMILY) {
            return null;
        }
        Attributes attributes = reply.attributes(GENL_HDRLEN);
        String name = attributes.string(CTRL_ATTR_FAMILY_NAME);
        int id = attributes.u16(CTRL_ATTR_FAMILY_ID, -1);
        if (name == null || id < 0) {
            throw new NetlinkParseException("generic netlink family description without CTRL_ATTR_FAMILY_NAME or"
                    + " CTRL_ATTR_FAMILY_ID");
        }
        return new GenericFamily(name, id, attributes.u32(CTRL_ATTR_VERSION, 0));
    }
}
