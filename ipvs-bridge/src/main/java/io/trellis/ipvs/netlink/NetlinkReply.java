package io.trellis.ipvs.netlink;

import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSG_HDRLEN;
import static io.trellis.ipvs.netlink.NetlinkConstants.align;

import java.nio.ByteBuffer;

/**
 * One received netlink message whose length has already been checked against its datagram: a
 * flyweight, re-pointed at each message in turn, so valid only inside the
 * {@link NetlinkSocket.ReplyParser} call it is passed to. Payload offsets count from the end of
 * the nlmsghdr; every read is bounds-checked and fails with {@link NetlinkParseException}.
 */
public final class NetlinkReply {

    private ByteBuffer buffer;
    private int start;
    private int payloadLength;
    private int type;
    private int flags;

    void wrap(ByteBuffer buffer, int start, int length, int type, int flags) {
        this.buffer = buffer;
        this.start = start;
        this.payloadLength = length - NLMSG_HDRLEN;
        this.type = type;
        this.flags = flags;
    }

    /** The nlmsghdr type, such as RTM_NEWLINK. */
    public int type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    public int payloadLength() {
        return payloadLength;
    }

    public int u8(int offset) throws NetlinkParseException {
        return Byte.toUnsignedInt(buffer.get(check(offset, 1)));
    }

    public int u16(int offset) throws NetlinkParseException {
        return Short.toUnsignedInt(buffer.getShort(check(offset, 2)));
    }

    public int s32(int offset) throws NetlinkParseException {
        return buffer.getInt(check(offset, 4));
    }

    /** The attributes that follow a family header of {@code headerLength} bytes. */
    public Attributes attributes(int headerLength) throws NetlinkParseException {
        int from = align(headerLength);
        if (headerLength < 0 || from > payloadLength) {
            throw new NetlinkParseException("message of type " + type + " has " + payloadLength
                    + " payload bytes, too few for its " + headerLength + "-byte header");
        }
        return Attributes.parse(buffer, start + NLMSG_HDRLEN + from, payloadLength - from);
    }

    private int check(int offset, int size) throws NetlinkParseException {
        if (offset < 0 || offset + size > payloadLength) {
            throw new NetlinkParseException("message of type " + type + " has " + payloadLength
                    + " payload bytes, too few to read " + size + " at offset " + offset);
        }
        return start + NLMSG_HDRLEN + offset;
    }
}
