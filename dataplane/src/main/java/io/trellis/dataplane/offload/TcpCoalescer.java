package io.trellis.dataplane.offload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.ipvs.tun.VirtioNetHeader;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.ipv6.Ipv6Flyweight;
import java.nio.ByteBuffer;

/**
 * The receive side's GRO: merges consecutive TCP segments of one flow, as they come out of VXLAN
 * datagrams, into one large frame written to the TAP with a virtio-net header that marks it a GSO
 * frame (gso_type TCPV4/TCPV6, gso_size = the segments' payload size) with a partial checksum
 * (NEEDS_CSUM; the TCP checksum field holds the pseudo-header seed for the merged length, as the
 * kernel expects of a CHECKSUM_PARTIAL skb). The kernel then delivers 64 KB per write instead of
 * one MSS, which is what brings receive close to kernel VXLAN (docs/benchmarks.md).
 *
 * <p>A segment continues the flow's pending merge only if all of these hold (Linux
 * {@code tcp_gro_receive}, {@code inet_gro_receive}, {@code ipv6_gro_receive}; wireguard-go
 * {@code tcpPacketsCanCoalesce}):
 * <ul>
 * <li>untagged Ethernet with the same MAC addresses; same IP version, addresses and ports;
 * <li>IPv4 without options and not a fragment, same TOS, TTL and DF bit, and — without DF — an
 *     identification one above the previous segment's (with DF it carries no meaning, RFC 6864);
 *     IPv6 with TCP as next header, same traffic class, flow label and hop limit;
 * <li>sequence number = previous sequence number + previous payload length;
 * <li>same acknowledgment number, data offset, flags and window, except that PSH may be set; flags
 *     only ACK, ECE, AE and PSH — never SYN, FIN, RST, URG or CWR — and a non-empty payload;
 * <li>byte-identical TCP options. This is Linux's rule: it compares every option word, so TCP
 *     timestamps must be equal, TSval and TSecr alike. Segments cut from one TSO burst share them.
 *     Merging a newer TSval away would keep it from the receiver, which checks it (PAWS) and
 *     echoes it for the sender's RTT measurement (RFC 7323);
 * <li>payload no larger than the first segment's (gso_size); a shorter one, or one with PSH, is
 *     merged and ends the merge, which is then written at once;
 * <li>at most 65,535 bytes of IPv4 packet or IPv6 payload in the result;
 * <li>a TCP checksum that verifies, or is partial ({@link PartialChecksum}: the frame came from a
 *     kernel VXLAN peer over veth). A segment whose checksum fails is written unchanged, so the
 *     kernel drops and counts it; merging it would launder the corruption.
 * </ul>
 *
 * <p>Ordering: frames of one TCP flow (one direction of a 4-tuple) leave in the order they were
 * offered — a segment that cannot continue the pending merge, and any other TCP frame of that flow
 * (pure ACK, FIN, SYN), first writes the pending merge out. Frames of other flows and non-TCP
 * frames (ARP, ICMP, UDP, fragments, VLAN-tagged) are written at once and may overtake a flow's
 * pending merge, exactly as with Linux GRO. Call {@link #flush()} at the end of every receive batch.
 *
 * <p>Everything is allocated up front: a fixed number of flow slots, each with room for a 64 KB
 * frame; when all are busy the oldest merge is written to make room. One instance per thread; no
 * I/O except through the sink; never throws on packet bytes.
 */
public final class TcpCoalescer {
    public static final int FLOW_SLOTS_DEFAULT = 8;
    /** Ethernet + IPv6 header + the largest IPv6 payload length; larger frames are dropped and counted. */
    public static final int MAX_FRAME_LENGTH = EthernetFlyweight.HEADER_LENGTH + Ipv6Flyweight.HEADER_LENGTH + 0xFFFF;
    private static final int FRAME = CoalescingFlow.FRAME;

    private final VnetFrameSink sink;
    private final CoalescingFlow[] flows;
    private final ByteBuf pass;
    private final VirtioNetHeader passVnet;
    private final GroCandidate candidate = new GroCandidate();
    private final PartialChecksum partial = new PartialChecksum();
    private final Ipv4Flyweight ip4 = new Ipv4Flyweight();
    private long clock;

    private long framesWritten;
    private long gsoFramesWritten;
    private long segmentsMerged;
    private long checksumFailures;
    private long oversizeDropped;

    /**
     * @param flowSlots how many flows may have a merge pending at once, 0 to 64; 0 turns merging
     *     off (every frame is written on its own, with NEEDS_CSUM if its checksum is partial)
     */
    public TcpCoalescer(int flowSlots, VnetFrameSink sink) {
        if (flowSlots < 0 || flowSlots > 64) {
            throw new IllegalArgumentException("flowSlots " + flowSlots + " must be 0 to 64");
        }
        this.sink = sink;
        this.flows = new CoalescingFlow[flowSlots];
        for (int i = 0; i < flowSlots; i++) {
            flows[i] = new CoalescingFlow(MAX_FRAME_LENGTH);
        }
        ByteBuffer passMemory = ByteBuffer.allocateDirect(FRAME + MAX_FRAME_LENGTH);
        this.pass = Unpooled.wrappedBuffer(passMemory);
        this.passVnet = new VirtioNetHeader().wrap(passMemory, 0);
    }

    /**
     * Takes one inner Ethernet frame (after VXLAN decapsulation). It is copied before this returns;
     * the sink may be called zero or more times meanwhile.
     */
    public void offer(ByteBuf buf, int offset, int length) {
        if (length > MAX_FRAME_LENGTH) {
            oversizeDropped++;
            return;
        }
        GroCandidate s = candidate;
        int kind = s.classify(buf, offset, length);
        if (kind == GroCandidate.NOT_FLOW) {
            passThrough(buf, offset, length);
            return;
        }
        CoalescingFlow flow = find(s);
        if (flow != null) {
            if (kind == GroCandidate.SEGMENT && flow.continuedBy(s, buf, offset)) {
                if (!flow.headAcceptable()) {
                    checksumFailures++; // the first segment goes out unchanged, for the kernel to drop
                } else if (!s.checksumAcceptable(buf, offset)) {
                    checksumFailures++;
                    emit(flow);
                    passThrough(buf, offset, length);
                    return;
                } else {
                    segmentsMerged++;
                    if (flow.append(s, buf, offset)) {
                        emit(flow);
                    }
                    return;
                }
            }
            emit(flow);
        }
        // A PSH segment ends any merge it would start, so it goes out alone at once.
        if (kind == GroCandidate.SEGMENT && !s.push()) {
            CoalescingFlow vacant = vacant();
            if (vacant != null) {
                vacant.start(s, buf, offset, length, ++clock);
                return;
            }
        }
        passThrough(buf, offset, length);
    }

    /** Writes every pending merge, oldest first. Call at the end of each receive batch. */
    public void flush() {
        CoalescingFlow oldest;
        while ((oldest = oldestActive()) != null) {
            emit(oldest);
        }
    }

    private CoalescingFlow find(GroCandidate s) {
        for (CoalescingFlow f : flows) {
            if (f.sameFlow(s)) {
                return f;
            }
        }
        return null;
    }

    /** A free slot, or the oldest one after writing its merge out; null without slots. */
    private CoalescingFlow vacant() {
        for (CoalescingFlow f : flows) {
            if (!f.active) {
                return f;
            }
        }
        CoalescingFlow oldest = oldestActive();
        if (oldest != null) {
            emit(oldest);
        }
        return oldest;
    }

    private CoalescingFlow oldestActive() {
        CoalescingFlow oldest = null;
        for (CoalescingFlow f : flows) {
            if (f.active && (oldest == null || f.started < oldest.started)) {
                oldest = f;
            }
        }
        return oldest;
    }

    private void emit(CoalescingFlow flow) {
        if (flow.segments > 1) {
            gsoFramesWritten++;
        }
        int length = flow.finish(ip4);
        framesWritten++;
        sink.write(flow.buf, 0, length);
    }

    private void passThrough(ByteBuf buf, int offset, int length) {
        pass.setBytes(FRAME, buf, offset, length);
        passVnet.clear();
        if (partial.isPartial(pass, FRAME, length)) {
            passVnet.flags(VirtioNetHeader.F_NEEDS_CSUM).csumStart(partial.csumStart()).csumOffset(partial.csumOffset());
        }
        framesWritten++;
        sink.write(pass, 0, FRAME + length);
    }

    /** Frames handed to the sink, merged or not. */
    public long framesWritten() {
        return framesWritten;
    }

    /** Of {@link #framesWritten()}, those that carry more than one segment (GSO frames). */
    public long gsoFramesWritten() {
        return gsoFramesWritten;
    }

    /** Segments appended to an earlier one: frames saved, each one TAP write fewer. */
    public long segmentsMerged() {
        return segmentsMerged;
    }

    /** Segments whose TCP checksum neither verified nor was partial; written unchanged. */
    public long checksumFailures() {
        return checksumFailures;
    }

    /** Frames longer than {@link #MAX_FRAME_LENGTH}, dropped. */
    public long oversizeDropped() {
        return oversizeDropped;
    }
}
