package io.trellis.dataplane.offload;

import static io.trellis.dataplane.offload.TcpFrames.Segment;
import static io.trellis.dataplane.offload.TcpFrames.direct;
import static io.trellis.dataplane.offload.TcpFrames.merged;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.dataplane.offload.RecordingSink.Written;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.tcp.TcpFlyweight;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Each rule of {@link TcpCoalescer}'s class comment, broken once: the merge must end right there. */
class TcpCoalescerMergeRulesTest {
    static final int MSS = TcpCoalescerTest.MSS;
    private final RecordingSink sink = new RecordingSink();
    private final TcpCoalescer coalescer = new TcpCoalescer(TcpCoalescer.FLOW_SLOTS_DEFAULT, sink);

    @Test
    void changedAckNumberEndsMerge() {
        assertBreaksAt(2, s -> s.ack += 1);
    }

    @Test
    void changedWindowEndsMerge() {
        assertBreaksAt(2, s -> s.window += 1);
    }

    @Test
    void changedEceEndsMerge() {
        assertBreaksAt(1, s -> s.flags |= TcpFlyweight.FLAG_ECE);
    }

    @Test
    void changedTimestampEndsMerge() {
        assertBreaksAt(3, s -> s.options = TcpFrames.timestamps(1001, 2000));
    }

    @Test
    void changedOptionLengthEndsMerge() {
        assertBreaksAt(3, s -> s.options = new byte[0]);
    }

    @Test
    void changedTtlEndsMerge() {
        assertBreaksAt(2, s -> s.ttl = 63);
    }

    @Test
    void changedTosEndsMerge() {
        assertBreaksAt(2, s -> s.tos = 0x02);
    }

    @Test
    void changedMacEndsMerge() {
        assertBreaksAt(4, s -> s.srcMac = 0x02_00_00_00_00_0CL);
    }

    @Test
    void changedFlowLabelEndsMergeV6() {
        Segment[] s = Segment.v6().split(TcpFrames.randomPayload(6, 5 * MSS), MSS);
        s[3].flowLabel = 0x12345;
        s[4].flowLabel = 0x12345;
        offer(s);
        coalescer.flush();
        assertThat(sink.segmentsPerWrite()).containsExactly(3, 2);
    }

    @Test
    void ipIdsMustCountUpWithoutDontFragment() {
        Segment flow = Segment.v4();
        flow.dontFragment = false;
        Segment[] s = flow.split(TcpFrames.randomPayload(7, 5 * MSS), MSS);
        s[2].id += 5;
        s[3].id += 5;
        s[4].id += 5;
        offer(s);
        coalescer.flush();
        assertThat(sink.segmentsPerWrite()).containsExactly(2, 3);

        sink.clear();
        Segment[] atomic = Segment.v4().split(TcpFrames.randomPayload(8, 5 * MSS), MSS); // DF: the ID carries no meaning
        atomic[2].id = 1;
        offer(atomic);
        coalescer.flush();
        assertThat(sink.segmentsPerWrite()).containsExactly(5);
    }

    @Test
    void pshEndsMergeAndIsWrittenAtOnce() {
        Segment[] s = Segment.v4().split(TcpFrames.randomPayload(9, 5 * MSS), MSS);
        s[2].flags |= TcpFlyweight.FLAG_PSH;
        offer(s[0], s[1], s[2]);
        assertThat(sink.segmentsPerWrite()).containsExactly(3);
        assertThat(sink.written.get(0).tcpFlags() & TcpFlyweight.FLAG_PSH).isNotZero();
        offer(s[3], s[4]);
        coalescer.flush();
        assertThat(sink.segmentsPerWrite()).containsExactly(3, 2);
        assertThat(sink.written.get(1).tcpFlags() & TcpFlyweight.FLAG_PSH).isZero();
    }

    @Test
    void finIsNeverMergedAndFollowsThePendingMerge() {
        Segment[] s = Segment.v4().flags(TcpFlyweight.FLAG_ACK | TcpFlyweight.FLAG_FIN)
                .split(TcpFrames.randomPayload(10, 4 * MSS), MSS);
        offer(s);
        assertThat(sink.segmentsPerWrite()).containsExactly(3, 1);
        assertThat(sink.written.get(1).frame()).isEqualTo(s[3].build());
        assertThat(sink.written.get(1).isGso()).isFalse();
    }

    @Test
    void cwrSegmentIsNeverMerged() {
        Segment[] s = Segment.v4().split(TcpFrames.randomPayload(18, 4 * MSS), MSS);
        s[0].flags |= TcpFlyweight.FLAG_CWR; // tcp_gso_segment puts CWR on the first segment only
        offer(s);
        coalescer.flush();
        assertThat(sink.segmentsPerWrite()).containsExactly(1, 3);
    }

    @Test
    void shorterSegmentEndsMergeAndLargerOneCannotFollow() {
        Segment flow = Segment.v4();
        byte[] data = TcpFrames.randomPayload(12, 3 * MSS);
        Segment first = flow.copy().payload(Arrays.copyOfRange(data, 0, MSS));
        Segment shorter = flow.copy().payload(Arrays.copyOfRange(data, MSS, MSS + 500));
        shorter.seq += MSS;
        offer(first, shorter);
        assertThat(sink.segmentsPerWrite()).containsExactly(2);
        assertThat(sink.written.get(0).vnet().gsoSize()).isEqualTo(MSS);

        sink.clear();
        Segment small = flow.copy().payload(new byte[600]);
        small.seq = 5_000_000L;
        Segment large = flow.copy().payload(new byte[MSS]);
        large.seq = small.seq + 600;
        offer(small, large);
        coalescer.flush();
        assertThat(sink.segmentsPerWrite()).containsExactly(1, 1);
    }

    @Test
    void mergedFrameStaysWithin64Kb() {
        Segment[] s = Segment.v4().split(TcpFrames.randomPayload(13, 50 * MSS), MSS);
        offer(s);
        coalescer.flush();
        // (65,535 − 20 − 32) / 1398 = 46 segments fit an IPv4 packet.
        assertThat(sink.segmentsPerWrite()).containsExactly(46, 4);
        byte[] first = sink.written.get(0).frame();
        assertThat(new Ipv4Flyweight().wrap(direct(first), 14, first.length - 14).totalLength()).isEqualTo(20 + 32 + 46 * MSS);
    }

    @Test
    void ethernetPaddingNeverEntersTheMergedPayload() {
        Segment flow = Segment.v4().options(new byte[0]);
        byte[] data = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        for (Segment segment : flow.split(data, 4)) {
            byte[] padded = Arrays.copyOf(segment.build(), 60); // 58 bytes, padded to Ethernet's minimum
            coalescer.offer(direct(padded), 0, padded.length);
        }
        coalescer.flush();
        Written merged = sink.only();
        assertThat(merged.frame()).isEqualTo(merged(flow, data));
        assertThat(merged.completedChecksumVerifies()).isTrue();
    }

    @Test
    void segmentWithBadChecksumIsWrittenUnchangedAndNeverMerged() {
        byte[][] frames = TcpCoalescerTest.frames(Segment.v4().split(TcpFrames.randomPayload(14, 6 * MSS), MSS));
        frames[2][frames[2].length - 1] ^= 1;
        frames[0][frames[0].length - 7] ^= 1;
        for (byte[] frame : frames) {
            coalescer.offer(direct(frame), 0, frame.length);
        }
        coalescer.flush();
        assertThat(sink.segmentsPerWrite()).containsExactly(1, 1, 1, 3);
        assertThat(sink.written.get(0).frame()).isEqualTo(frames[0]);
        assertThat(sink.written.get(2).frame()).isEqualTo(frames[2]);
        assertThat(coalescer.checksumFailures()).isEqualTo(2);
    }

    /** Segments 0..n−1 of a 5-segment flow merge; segment n and the rest, all changed alike, merge anew. */
    private void assertBreaksAt(int n, Consumer<Segment> change) {
        Segment[] s = Segment.v4().split(TcpFrames.randomPayload(n, 5 * MSS), MSS);
        for (int i = n; i < s.length; i++) {
            change.accept(s[i]);
        }
        offer(s);
        coalescer.flush();
        assertThat(sink.segmentsPerWrite()).containsExactly(n, 5 - n);
        assertThat(sink.payloads()).isEqualTo(TcpFrames.concat(s));
    }

    private void offer(Segment... segments) {
        for (Segment s : segments) {
            byte[] frame = s.build();
            coalescer.offer(direct(frame), 0, frame.length);
        }
    }
}
