package io.trellis.dataplane.offload;

import static io.trellis.dataplane.offload.TcpFrames.Segment;
import static io.trellis.dataplane.offload.TcpFrames.concat;
import static io.trellis.dataplane.offload.TcpFrames.direct;
import static io.trellis.dataplane.offload.TcpFrames.merged;
import static io.trellis.dataplane.offload.TcpFrames.tsoHeader;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.trellis.dataplane.offload.RecordingSink.Written;
import io.trellis.ipvs.tun.VirtioNetHeader;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Round trips, several flows, ordering, pass-through and slots; the merge rules one by one are in {@link TcpCoalescerMergeRulesTest}. */
class TcpCoalescerTest {
    static final int MSS = 1398;
    private final RecordingSink sink = new RecordingSink();
    private final TcpCoalescer coalescer = new TcpCoalescer(TcpCoalescer.FLOW_SLOTS_DEFAULT, sink);

    @Test
    void mergesSegmenterOutputBackIntoTheOriginalFrameV4() {
        roundTrip(TcpSegmenterTest.largestTsoFrame(false));
    }

    @Test
    void mergesSegmenterOutputBackIntoTheOriginalFrameV6() {
        roundTrip(TcpSegmenterTest.largestTsoFrame(true));
    }

    /**
     * TAP frame → segmenter → (VXLAN stripped) → coalescer gives the TAP frame back byte for byte:
     * the first segment keeps the original IP ID, so the IPv4 header and its checksum come out
     * the same, and the original already held the partial seed for the full length in its TCP
     * checksum field, as a TAP hands it over. The virtio header is the TAP's, bar hdr_len.
     */
    private void roundTrip(Segment original) {
        byte[] frame = original.build();
        DatagramRun run = new DatagramRun();
        ByteBuf out = direct(2 * 65_536);
        VirtioNetHeader tso = tsoHeader(original, MSS);
        assertThat(new TcpSegmenter(DatagramRun.MAX_SEND_BYTES).segment(tso, direct(frame), 0, frame.length, 7, out, 0, run))
                .isEqualTo(SegmentRejection.NONE);
        for (int i = 0; i < run.count(); i++) {
            coalescer.offer(out, run.datagramOffset(i) + 8, run.datagramLength(i) - 8);
        }
        // The last segment carries PSH: the merge is written without waiting for the flush.
        Written merged = sink.only();
        assertThat(merged.frame()).isEqualTo(frame);
        VirtioNetHeader vnet = merged.vnet();
        assertThat(vnet.flags()).isEqualTo(VirtioNetHeader.F_NEEDS_CSUM);
        assertThat(vnet.gsoType()).isEqualTo(tso.gsoType());
        assertThat(vnet.gsoSize()).isEqualTo(MSS);
        assertThat(vnet.hdrLen()).isEqualTo(original.headersLength());
        assertThat(vnet.csumStart()).isEqualTo(original.l4());
        assertThat(vnet.csumOffset()).isEqualTo(16);
        assertThat(merged.completedChecksumVerifies()).isTrue();
        assertThat(coalescer.segmentsMerged()).isEqualTo(run.count() - 1);
        assertThat(coalescer.gsoFramesWritten()).isEqualTo(1);
    }

    @Test
    void mergesPartialChecksumSegmentsOfAKernelPeer() {
        Segment flow = Segment.v4().checksum(TcpFrames.Checksum.PARTIAL);
        byte[] data = TcpFrames.randomPayload(11, 10 * MSS);
        offer(flow.split(data, MSS));
        coalescer.flush();
        Written merged = sink.only();
        assertThat(merged.isGso()).isTrue();
        assertThat(merged.frame()).isEqualTo(merged(flow, data));
        assertThat(merged.completedChecksumVerifies()).isTrue();
    }

    @Test
    void mergesInterleavedFlowsSeparately() {
        Segment a = Segment.v4();
        Segment b = Segment.v4();
        b.srcPort = 40_001;
        Segment c = Segment.v6().checksum(TcpFrames.Checksum.PARTIAL);
        byte[][] data = {TcpFrames.randomPayload(1, 12 * MSS), TcpFrames.randomPayload(2, 7 * MSS + 5), TcpFrames.randomPayload(3, 9 * MSS)};
        Segment[][] segments = {a.split(data[0], MSS), b.split(data[1], MSS), c.split(data[2], MSS)};
        for (int i = 0; i < 12; i++) {
            for (Segment[] flow : segments) {
                if (i < flow.length) {
                    offer(flow[i]);
                }
            }
        }
        // b's short last segment ended its merge at once; a and c wait for the flush, oldest first.
        assertThat(sink.written).hasSize(1);
        coalescer.flush();
        assertThat(sink.frames()).containsExactly(merged(b, data[1]), merged(a, data[0]), merged(c, data[2]));
    }

    @Test
    void outOfOrderSegmentsEndMergesWithoutReordering() {
        Segment[] s = Segment.v4().split(TcpFrames.randomPayload(4, 8 * MSS), MSS);
        offer(s[0], s[1], s[3], s[2], s[4], s[5], s[6], s[7]);
        coalescer.flush();
        assertThat(sink.segmentsPerWrite()).containsExactly(2, 1, 1, 4);
        assertThat(sink.payloads()).isEqualTo(concat(s[0], s[1], s[3], s[2], s[4], s[5], s[6], s[7]));
    }

    @Test
    void gapEndsMerge() {
        Segment[] s = Segment.v4().split(TcpFrames.randomPayload(5, 6 * MSS), MSS);
        offer(s[0], s[1], s[2], s[4], s[5]);
        coalescer.flush();
        assertThat(sink.segmentsPerWrite()).containsExactly(3, 2);
    }

    @Test
    void nonTcpFramesPassThroughUntouchedAtOnce() {
        Segment[] s = Segment.v4().split(TcpFrames.randomPayload(15, 4 * MSS), MSS);
        byte[] arp = TcpFrames.arpRequest();
        byte[] partialUdp = TcpFrames.udp(true);
        byte[] completeUdp = TcpFrames.udp(false);
        offer(s[0], s[1]);
        offerBytes(arp);
        offer(s[2]);
        offerBytes(partialUdp);
        offerBytes(completeUdp);
        offer(s[3]);
        coalescer.flush();

        // Frames without a TCP flow overtake the pending merge, as with Linux GRO.
        assertThat(sink.frames()).containsExactly(arp, partialUdp, completeUdp, merged(Segment.v4(), concat(s)));
        assertThat(sink.written.get(0).header()).isEqualTo(new byte[VirtioNetHeader.LENGTH]);
        VirtioNetHeader udpHeader = sink.written.get(1).vnet();
        assertThat(udpHeader.flags()).isEqualTo(VirtioNetHeader.F_NEEDS_CSUM);
        assertThat(udpHeader.gsoType()).isEqualTo(VirtioNetHeader.GSO_NONE);
        assertThat(udpHeader.csumStart()).isEqualTo(34);
        assertThat(udpHeader.csumOffset()).isEqualTo(6);
        assertThat(sink.written.get(2).header()).isEqualTo(new byte[VirtioNetHeader.LENGTH]);
    }

    @Test
    void controlSegmentOfTheFlowWaitsForItsPendingMerge() {
        Segment flow = Segment.v4();
        Segment[] s = flow.split(TcpFrames.randomPayload(16, 3 * MSS), MSS);
        Segment pureAck = flow.copy();
        pureAck.seq = s[2].seq + MSS;
        Segment otherFlowAck = pureAck.copy();
        otherFlowAck.srcPort = 1;
        offer(s[0], s[1], otherFlowAck, s[2], pureAck);
        assertThat(sink.frames()).containsExactly(otherFlowAck.build(), merged(flow, concat(s)), pureAck.build());
    }

    @Test
    void oldestMergeIsWrittenWhenAllSlotsAreBusy() {
        TcpCoalescer two = new TcpCoalescer(2, sink);
        Segment[][] flows = new Segment[3][];
        for (int f = 0; f < 3; f++) {
            Segment flow = Segment.v4();
            flow.srcPort = 1000 + f;
            flows[f] = flow.split(TcpFrames.randomPayload(f, 4 * MSS), MSS);
        }
        for (int i = 0; i < 4; i++) {
            for (Segment[] flow : flows) {
                byte[] frame = flow[i].build();
                two.offer(direct(frame), 0, frame.length);
            }
        }
        two.flush();
        // Three flows round robin over two slots: each merge is evicted before its next segment
        // comes, yet each flow's bytes still leave in order.
        assertThat(sink.segmentsPerWrite()).hasSize(12).containsOnly(1);
        for (int f = 0; f < 3; f++) {
            int port = 1000 + f;
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            for (Written w : sink.written) {
                if (((w.frame()[34] & 0xFF) << 8 | w.frame()[35] & 0xFF) == port) {
                    payload.writeBytes(w.payload());
                }
            }
            assertThat(payload.toByteArray()).isEqualTo(concat(flows[f]));
        }
    }

    @Test
    void withoutFlowSlotsEveryFrameIsWrittenOnItsOwn() {
        TcpCoalescer off = NoOffload.INSTANCE.newCoalescer(sink);
        Segment[] s = Segment.v4().checksum(TcpFrames.Checksum.PARTIAL).split(TcpFrames.randomPayload(17, 3 * MSS), MSS);
        for (Segment segment : s) {
            byte[] frame = segment.build();
            off.offer(direct(frame), 0, frame.length);
        }
        assertThat(sink.frames()).containsExactly(s[0].build(), s[1].build(), s[2].build());
        for (Written w : sink.written) {
            assertThat(w.vnet().flags()).isEqualTo(VirtioNetHeader.F_NEEDS_CSUM);
            assertThat(w.vnet().gsoType()).isEqualTo(VirtioNetHeader.GSO_NONE);
            assertThat(w.vnet().csumStart()).isEqualTo(34);
            assertThat(w.completedChecksumVerifies()).isTrue();
        }
    }

    @Test
    void dropsFramesLongerThanAnyIpPacket() {
        coalescer.offer(direct(TcpCoalescer.MAX_FRAME_LENGTH + 1), 0, TcpCoalescer.MAX_FRAME_LENGTH + 1);
        assertThat(sink.written).isEmpty();
        assertThat(coalescer.oversizeDropped()).isEqualTo(1);
    }

    private void offer(Segment... segments) {
        for (Segment s : segments) {
            offerBytes(s.build());
        }
    }

    private void offerBytes(byte[] frame) {
        ByteBuf buf = direct(frame.length + 100);
        buf.setBytes(37, frame); // not at index 0, as inside a receive buffer
        coalescer.offer(buf, 37, frame.length);
    }

    static byte[][] frames(Segment... segments) {
        return Arrays.stream(segments).map(Segment::build).toArray(byte[][]::new);
    }
}
