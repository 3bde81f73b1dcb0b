package io.trellis.dataplane.offload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.trellis.ipvs.tun.VirtioNetHeader;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.ipv6.Ipv6Flyweight;
import io.trellis.vxlan.tcp.TcpFlyweight;
import java.nio.ByteBuffer;

/**
 * One of {@link TcpCoalescer}'s preallocated flow slots: the segment a merge started with, behind
 * room for its virtio-net header, the payload of each segment appended since, and what decides
 * whether the flow's next segment continues it. Offsets count from the start of the frame, which
 * sits at {@link #FRAME} in {@link #buf}.
 */
final class CoalescingFlow {
    /** The frame follows the virtio-net header, so both go out in one TAP write. */
    static final int FRAME = VirtioNetHeader.LENGTH;
    /** IPv4 total length and IPv6 payload length are 16-bit fields. */
    private static final int MAX_IP_LENGTH = 0xFFFF;
    /** PSH in the TCP header's 32-bit word at offset 12 (data offset, flags, window). */
    private static final int PSH_IN_WORD = TcpFlyweight.FLAG_PSH << 16;

    final ByteBuf buf;
    private final VirtioNetHeader vnet;

    boolean active;
    /** Order of start, to flush and evict the oldest first. */
    long started;
    /** Segments in the frame; 1 until something is appended. */
    int segments;

    private boolean v6;
    /** IPv4 addresses in the low 32 bits of {@code sourceLow}/{@code destinationLow}; IPv6 all 128 bits. */
    private long sourceHigh;
    private long sourceLow;
    private long destinationHigh;
    private long destinationLow;
    /** Source and destination port as the TCP header's first 32-bit word. */
    private int ports;
    private int l3;
    private int l4;
    private int tcpHeaderLength;
    /** Bytes of frame in {@link #buf} after {@link #FRAME}. */
    private int frameLength;
    /** Where the IP packet ends; until the first append, a short first segment may have Ethernet padding after it. */
    private int ipEnd;
    private long nextSequence;
    private int nextIpId;
    /** Payload bytes of the first segment: every later one but the last must carry exactly as many. */
    private int gsoSize;
    /** The first segment's checksum is CHECKSUM_PARTIAL (its field holds the pseudo-header seed). */
    private boolean partial;
    /** The first segment's checksum was found valid or partial; done once, before the first append. */
    private boolean headChecked;
    private boolean push;

    CoalescingFlow(int frameCapacity) {
        ByteBuffer memory = ByteBuffer.allocateDirect(FRAME + frameCapacity);
        // A view without leak tracking: the slot lives as long as the coalescer and is never released.
        buf = Unpooled.wrappedBuffer(memory);
        vnet = new VirtioNetHeader().wrap(memory, 0);
    }

    boolean sameFlow(GroCandidate s) {
        return active && ports == s.ports && sourceLow == s.sourceLow && destinationLow == s.destinationLow
                && v6 == s.v6 && sourceHigh == s.sourceHigh && destinationHigh == s.destinationHigh;
    }

    /** Copies the whole frame, padding included: if nothing joins it, it goes out unchanged. */
    void start(GroCandidate s, ByteBuf frame, int offset, int length, long order) {
        buf.setBytes(FRAME, frame, offset, length);
        active = true;
        started = order;
        segments = 1;
        v6 = s.v6;
        sourceHigh = s.sourceHigh;
        sourceLow = s.sourceLow;
        destinationHigh = s.destinationHigh;
        destinationLow = s.destinationLow;
        ports = s.ports;
        l3 = s.l3;
        l4 = s.l4;
        tcpHeaderLength = s.tcpHeaderLength;
        frameLength = length;
        ipEnd = s.ipEnd;
        nextSequence = s.sequence + s.payload & 0xFFFF_FFFFL;
        nextIpId = s.ipId + 1 & 0xFFFF;
        gsoSize = s.payload;
        partial = s.partialSum;
        headChecked = false;
        push = false;
    }

    /** Whether {@code s} may be appended: in sequence, not larger than gso_size, same headers, room left. */
    boolean continuedBy(GroCandidate s, ByteBuf frame, int offset) {
        return s.sequence == nextSequence && s.payload <= gsoSize && headersMatch(s, frame, offset)
                && ipEnd - (v6 ? l4 : l3) + s.payload <= MAX_IP_LENGTH;
    }

    private boolean headersMatch(GroCandidate s, ByteBuf frame, int offset) {
        if (buf.getLong(FRAME) != frame.getLong(offset) || buf.getInt(FRAME + 8) != frame.getInt(offset + 8)) {
            return false; // destination and source MAC
        }
        int a = FRAME + l3;
        int b = offset + s.l3;
        if (v6) {
            // ipv6_gro_receive: version, traffic class and flow label (the first word); hop limit.
            if (buf.getInt(a) != frame.getInt(b) || buf.getByte(a + 7) != frame.getByte(b + 7)) {
                return false;
            }
        } else if (buf.getByte(a + 1) != frame.getByte(b + 1) || buf.getByte(a + 8) != frame.getByte(b + 8)
                || buf.getShort(a + 6) != frame.getShort(b + 6) || !s.dontFragment && s.ipId != nextIpId) {
            // inet_gro_receive: TOS, TTL and DF; the ID must count up unless DF makes it meaningless (RFC 6864 §4.1).
            return false;
        }
        a = FRAME + l4;
        b = offset + s.l4;
        return buf.getInt(a + TcpFlyweight.ACKNOWLEDGMENT_NUMBER_OFFSET) == frame.getInt(b + TcpFlyweight.ACKNOWLEDGMENT_NUMBER_OFFSET)
                && ((buf.getInt(a + TcpFlyweight.DATA_OFFSET_OFFSET) ^ frame.getInt(b + TcpFlyweight.DATA_OFFSET_OFFSET)) & ~PSH_IN_WORD) == 0
                && ByteBufUtil.equals(buf, a + TcpFlyweight.OPTIONS_OFFSET, frame, b + TcpFlyweight.OPTIONS_OFFSET,
                        tcpHeaderLength - TcpFlyweight.MIN_HEADER_LENGTH);
    }

    /**
     * Before the first append: whether the first segment's checksum is partial or verifies (its
     * field is about to be overwritten, so this is the last chance). Drops any Ethernet padding.
     */
    boolean headAcceptable() {
        if (!headChecked) {
            if (!partial) {
                int tcpLength = ipEnd - l4;
                int ip = FRAME + l3;
                int seed = v6 ? InternetChecksum.pseudoHeaderSumIpv6(buf, ip, IpProtocol.TCP_NUMBER, tcpLength)
                        : InternetChecksum.pseudoHeaderSumIpv4(buf, ip, IpProtocol.TCP_NUMBER, tcpLength);
                if (!InternetChecksum.verify(buf, FRAME + l4, tcpLength, seed)) {
                    return false;
                }
            }
            headChecked = true;
            frameLength = ipEnd;
        }
        return true;
    }

    /** Appends the payload of {@code s}; returns true if that ends the merge (PSH, or shorter than gso_size). */
    boolean append(GroCandidate s, ByteBuf frame, int offset) {
        buf.setBytes(FRAME + frameLength, frame, offset + s.l4 + s.tcpHeaderLength, s.payload);
        ipEnd += s.payload;
        frameLength = ipEnd;
        nextSequence = nextSequence + s.payload & 0xFFFF_FFFFL;
        nextIpId = nextIpId + 1 & 0xFFFF;
        segments++;
        push = s.push();
        return push || s.payload < gsoSize;
    }

    /**
     * Fills in the virtio-net header and, for a merge, the headers of the whole; returns how many
     * bytes of {@link #buf}, from 0, make the TAP write. A lone segment goes out unchanged, marked
     * NEEDS_CSUM if its checksum is partial (docs/architecture.md, "The checksum trap").
     */
    int finish(Ipv4Flyweight ip4) {
        vnet.clear();
        active = false;
        if (segments == 1) {
            if (partial) {
                vnet.flags(VirtioNetHeader.F_NEEDS_CSUM).csumStart(l4).csumOffset(TcpFlyweight.CHECKSUM_OFFSET);
            }
            return FRAME + frameLength;
        }
        int ip = FRAME + l3;
        int t = FRAME + l4;
        int tcpLength = ipEnd - l4;
        int seed;
        if (v6) {
            buf.setShort(ip + Ipv6Flyweight.PAYLOAD_LENGTH_OFFSET, tcpLength);
            seed = InternetChecksum.pseudoHeaderSumIpv6(buf, ip, IpProtocol.TCP_NUMBER, tcpLength);
            vnet.gsoType(VirtioNetHeader.GSO_TCPV6);
        } else {
            int total = ipEnd - l3;
            ip4.wrap(buf, ip, total).totalLength(total).updateHeaderChecksum(); // the first segment's ID stays
            seed = InternetChecksum.pseudoHeaderSumIpv4(buf, ip, IpProtocol.TCP_NUMBER, tcpLength);
            vnet.gsoType(VirtioNetHeader.GSO_TCPV4);
        }
        if (push) {
            // Linux GRO ORs the last segment's PSH into the merged header; the first never has it.
            buf.setByte(t + TcpFlyweight.FLAGS_OFFSET, buf.getByte(t + TcpFlyweight.FLAGS_OFFSET) | TcpFlyweight.FLAG_PSH);
        }
        // CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum, not complemented
        // (__tcp_v4_send_check; wireguard-go applyTCPCoalesceAccounting); the kernel adds the rest.
        buf.setShort(t + TcpFlyweight.CHECKSUM_OFFSET, seed);
        vnet.flags(VirtioNetHeader.F_NEEDS_CSUM).hdrLen(l4 + tcpHeaderLength).gsoSize(gsoSize)
                .csumStart(l4).csumOffset(TcpFlyweight.CHECKSUM_OFFSET);
        return FRAME + frameLength;
    }
}
