package io.trellis.ipvs.netlink;

import static io.trellis.ipvs.netlink.NetlinkConstants.NLA_HDRLEN;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSG_FLAGS_OFFSET;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSG_HDRLEN;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSG_LEN_OFFSET;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSG_SEQ_OFFSET;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSG_TYPE_OFFSET;
import static io.trellis.ipvs.netlink.NetlinkConstants.align;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes one netlink request into a buffer it does not own: the send buffer of a
 * {@link NetlinkSocket}, reused for every request. Each call appends at the end: first the family
 * header struct (ifinfomsg, ifaddrmsg, rtmsg, ndmsg, or a generic netlink genlmsghdr), then
 * attributes. Fields are in host byte
 * order, as the kernel expects, except the few that linux/if_link.h declares {@code __be16}.
 * Padding is zeroed, so no bytes of an earlier request leak into this one.
 */
public final class NetlinkMessage {

    // linux/rtnetlink.h: sizes of the family headers
    static final int IFINFOMSG_SIZE = 16;
    static final int IFADDRMSG_SIZE = 8;
    static final int RTMSG_SIZE = 12;
    static final int NDMSG_SIZE = 12;
    // linux/genetlink.h: struct genlmsghdr is cmd u8, version u8, reserved u16
    static final int GENLMSGHDR_SIZE = 4;

    private final ByteBuffer buffer;
    private int length;

    /** {@code buffer} must be direct; its position and limit are left alone. */
    NetlinkMessage(ByteBuffer buffer) {
        this.buffer = buffer.order(ByteOrder.nativeOrder());
    }

    /** Starts a new message, discarding the previous one. */
    NetlinkMessage begin(int type, int flags) {
        length = 0;
        reserve(NLMSG_HDRLEN);
        buffer.putShort(NLMSG_TYPE_OFFSET, (short) type);
        buffer.putShort(NLMSG_FLAGS_OFFSET, (short) flags);
        return this;
    }

    /** linux/rtnetlink.h struct ifinfomsg; {@code ifi_type} (an ARPHRD_*) is only ever output. */
    public NetlinkMessage ifinfomsg(int family, int index, int flags, int change) {
        int at = reserve(IFINFOMSG_SIZE);
        buffer.put(at, (byte) family);
        buffer.putInt(at + 4, index);
        buffer.putInt(at + 8, flags);
        buffer.putInt(at + 12, change);
        return this;
    }

    /** linux/if_addr.h struct ifaddrmsg. */
    public NetlinkMessage ifaddrmsg(int family, int prefixLength, int flags, int scope, int index) {
        int at = reserve(IFADDRMSG_SIZE);
        buffer.put(at, (byte) family);
        buffer.put(at + 1, (byte) prefixLength);
        buffer.put(at + 2, (byte) flags);
        buffer.put(at + 3, (byte) scope);
        buffer.putInt(at + 4, index);
        return this;
    }

    /** linux/rtnetlink.h struct rtmsg, without a source prefix, TOS or RTM_F_* flags. */
    public NetlinkMessage rtmsg(int family, int dstLength, int table, int protocol, int scope, int type) {
        int at = reserve(RTMSG_SIZE);
        buffer.put(at, (byte) family);
        buffer.put(at + 1, (byte) dstLength);
        buffer.put(at + 4, (byte) table);
        buffer.put(at + 5, (byte) protocol);
        buffer.put(at + 6, (byte) scope);
        buffer.put(at + 7, (byte) type);
        return this;
    }

    /** linux/neighbour.h struct ndmsg; {@code ndm_type} stays 0, as iproute2 leaves it. */
    public NetlinkMessage ndmsg(int family, int index, int state, int flags) {
        int at = reserve(NDMSG_SIZE);
        buffer.put(at, (byte) family);
        buffer.putInt(at + 4, index);
        buffer.putShort(at + 8, (short) state);
        buffer.put(at + 10, (byte) flags);
        return this;
    }

    /** linux/genetlink.h struct genlmsghdr: the header of every generic netlink message. */
    public NetlinkMessage genlmsghdr(int cmd, int version) {
        int at = reserve(GENLMSGHDR_SIZE);
        buffer.put(at, (byte) cmd);
        buffer.put(at + 1, (byte) version);
        return this;
    }

    public NetlinkMessage putU8(int type, int value) {
        buffer.put(attribute(type, 1), (byte) value);
        return this;
    }

    /** A u16 in host order, such as an address family. */
    public NetlinkMessage putU16(int type, int value) {
        buffer.putShort(attribute(type, 2), (short) value);
        return this;
    }

    public NetlinkMessage putU32(int type, int value) {
        buffer.putInt(attribute(type, 4), value);
        return this;
    }

    /** A {@code __be16}, such as a UDP port: network byte order whatever the host's. */
    public NetlinkMessage putBe16(int type, int value) {
        int at = attribute(type, 2);
        buffer.put(at, (byte) (value >>> 8));
        buffer.put(at + 1, (byte) value);
        return this;
    }

    public NetlinkMessage putBytes(int type, byte[] value) {
        buffer.put(attribute(type, value.length), value);
        return this;
    }

    /** An address as the kernel stores it: 4 or 16 bytes, network order. */
    public NetlinkMessage putAddress(int type, InetAddress address) {
        return putBytes(type, address.getAddress());
    }

    /** A NUL-terminated string (NLA_STRING / NLA_NUL_STRING both accept the NUL). */
    public NetlinkMessage putString(int type, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int at = attribute(type, bytes.length + 1);
        buffer.put(at, bytes);
        buffer.put(at + bytes.length, (byte) 0);
        return this;
    }

    /**
     * Opens a nested attribute; what is appended until {@link #endNested(int)} becomes its payload.
     * NLA_F_NESTED is left unset, as iproute2 does: IFLA_LINKINFO and VETH_INFO_PEER are parsed
     * with the kernel's deprecated (flag-agnostic) parser, and VETH_INFO_PEER is not even a plain
     * attribute list but an ifinfomsg followed by attributes. Families that want the flag get it
     * by or-ing {@link NetlinkConstants#NLA_F_NESTED} into {@code type}.
     *
     * @return the token to pass to {@link #endNested(int)}
     */
    public int beginNested(int type) {
        return attribute(type, 0) - NLA_HDRLEN;
    }

    public NetlinkMessage endNested(int start) {
        buffer.putShort(start, (short) (length - start));
        return this;
    }

    /** Bytes written so far, header included. */
    int length() {
        return length;
    }

    /** Fills in the header's length and sequence number and adds {@code flags}; returns the buffer. */
    ByteBuffer seal(int seq, int flags) {
        buffer.putInt(NLMSG_LEN_OFFSET, length);
        buffer.putShort(NLMSG_FLAGS_OFFSET, (short) (buffer.getShort(NLMSG_FLAGS_OFFSET) | flags));
        buffer.putInt(NLMSG_SEQ_OFFSET, seq);
        return buffer;
    }

    /** Appends an attribute header and room for {@code payload} bytes; returns the payload offset. */
    private int attribute(int type, int payload) {
        int at = reserve(NLA_HDRLEN + payload);
        buffer.putShort(at, (short) (NLA_HDRLEN + payload));
        buffer.putShort(at + 2, (short) type);
        return at + NLA_HDRLEN;
    }

    /** Appends {@code size} zeroed bytes, padded to the next 4-byte boundary; returns their offset. */
    private int reserve(int size) {
        int at = length;
        int end = at + align(size);
        if (end > buffer.capacity()) {
            throw new IllegalStateException("netlink request needs " + end + " bytes, more than the "
                    + buffer.capacity() + "-byte send buffer holds");
        }
        for (int i = at; i < end; i++) {
            buffer.put(i, (byte) 0);
        }
        length = end;
        return at;
    }
}
