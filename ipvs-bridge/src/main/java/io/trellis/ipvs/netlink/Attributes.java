package io.trellis.ipvs.netlink;

import static io.trellis.ipvs.netlink.NetlinkConstants.NLA_HDRLEN;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLA_TYPE_MASK;
import static io.trellis.ipvs.netlink.NetlinkConstants.align;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A read-only view of a run of rtattrs (linux/rtnetlink.h; the same layout as linux/netlink.h
 * struct nlattr) inside a received buffer. The whole run is checked once, when the view is made,
 * so lookups cannot overrun; accessors check the payload size of the attribute they read. Valid
 * only while the buffer still holds the reply: copy values out, do not keep the view.
 */
public final class Attributes {

    private static final Attributes EMPTY = new Attributes(ByteBuffer.allocate(0), 0, 0);

    private final ByteBuffer buffer;
    private final int start;
    private final int end;

    private Attributes(ByteBuffer buffer, int start, int end) {
        this.buffer = buffer;
        this.start = start;
        this.end = end;
    }

    /**
     * Checks the attributes in {@code buffer[offset, offset + length)}. Up to 3 bytes after the last
     * attribute are tolerated, as the kernel's nla_parse does (it only warns about them).
     */
    static Attributes parse(ByteBuffer buffer, int offset, int length) throws NetlinkParseException {
        int end = offset + length;
        for (int at = offset; end - at >= NLA_HDRLEN; at += align(u16(buffer, at))) {
            int size = u16(buffer, at);
            if (size < NLA_HDRLEN || size > end - at) {
                throw new NetlinkParseException("attribute of type " + (u16(buffer, at + 2) & NLA_TYPE_MASK)
                        + " declares " + size + " bytes, but must be at least " + NLA_HDRLEN + " and at most the "
                        + (end - at) + " bytes left in its message");
            }
        }
        return new Attributes(buffer, offset, end);
    }

    public boolean has(int type) {
        return find(type) >= 0;
    }

    /** A u8 attribute, or {@code absent} if there is none. */
    public int u8(int type, int absent) throws NetlinkParseException {
        int at = payload(type, 1);
        return at < 0 ? absent : Byte.toUnsignedInt(buffer.get(at));
    }

    /** A u16 attribute in host order, or {@code absent} if there is none. */
    public int u16(int type, int absent) throws NetlinkParseException {
        int at = payload(type, 2);
        return at < 0 ? absent : u16(buffer, at);
    }

    /** A u32 (or s32) attribute in host order, or {@code absent} if there is none. */
    public int u32(int type, int absent) throws NetlinkParseException {
        int at = payload(type, 4);
        return at < 0 ? absent : buffer.getInt(at);
    }

    /** A u64 attribute in host order, or {@code absent} if there is none. */
    public long u64(int type, long absent) throws NetlinkParseException {
        int at = payload(type, 8);
        return at < 0 ? absent : buffer.getLong(at);
    }

    /** A {@code __be16} attribute, or {@code absent} if there is none. */
    public int be16(int type, int absent) throws NetlinkParseException {
        int at = payload(type, 2);
        return at < 0 ? absent : Byte.toUnsignedInt(buffer.get(at)) << 8 | Byte.toUnsignedInt(buffer.get(at + 1));
    }

    /** A string up to its NUL (or the attribute's end), or {@code null} if there is none. */
    public String string(int type) {
        int at = find(type);
        if (at < 0) {
            return null;
        }
        int from = at + NLA_HDRLEN;
        int to = from;
        int limit = at + u16(buffer, at);
        while (to < limit && buffer.get(to) != 0) {
            to++;
        }
        return new String(bytes(from, to - from), StandardCharsets.UTF_8);
    }

    /** The raw payload, or {@code null} if there is none. */
    public byte[] bytes(int type) {
        int at = find(type);
        return at < 0 ? null : bytes(at + NLA_HDRLEN, u16(buffer, at) - NLA_HDRLEN);
    }

    /** A 4-byte IPv4 or 16-byte IPv6 address, or {@code null} if there is none. */
    public InetAddress address(int type) throws NetlinkParseException {
        byte[] raw = bytes(type);
        if (raw == null) {
            return null;
        }
        if (raw.length != 4 && raw.length != 16) {
            throw new NetlinkParseException("address attribute of type " + type + " has " + raw.length
                    + " bytes, but must have 4 (IPv4) or 16 (IPv6)");
        }
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 and 16 bytes are always valid", e);
        }
    }

    /** The attributes nested in {@code type}; empty if there is none. */
    public Attributes nested(int type) throws NetlinkParseException {
        int at = find(type);
        return at < 0 ? EMPTY : parse(buffer, at + NLA_HDRLEN, u16(buffer, at) - NLA_HDRLEN);
    }

    /** Offset of the first attribute of {@code type}, NLA_F_* flag bits ignored; -1 if none. */
    private int find(int type) {
        for (int at = start; end - at >= NLA_HDRLEN; at += align(u16(buffer, at))) {
            if ((u16(buffer, at + 2) & NLA_TYPE_MASK) == type) {
                return at;
            }
        }
        return -1;
    }

    /** Offset of the payload of {@code type}, checked to hold {@code size} bytes; -1 if absent. */
    private int payload(int type, int size) throws NetlinkParseException {
        int at = find(type);
        if (at < 0) {
            return -1;
        }
        int length = u16(buffer, at) - NLA_HDRLEN;
        if (length < size) {
            throw new NetlinkParseException("attribute of type " + type + " has " + length
                    + " payload bytes, but needs " + size);
        }
        return at + NLA_HDRLEN;
    }

    private byte[] bytes(int from, int length) {
        byte[] copy = new byte[length];
        buffer.get(from, copy);
        return copy;
    }

    private static int u16(ByteBuffer buffer, int at) {
        return Short.toUnsignedInt(buffer.getShort(at));
    }
}
