package io.trellis.dataplane.offload;

import static io.trellis.dataplane.offload.TcpFrames.Segment;
import static io.trellis.dataplane.offload.TcpFrames.direct;
import static io.trellis.dataplane.offload.TcpFrames.tsoHeader;
import static io.trellis.dataplane.offload.TcpFrames.vnet;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.trellis.ipvs.tun.VirtioNetHeader;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetEncoder;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.ipv4.Ipv4Encoder;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.ipv6.Ipv6Flyweight;
import io.trellis.vxlan.tcp.TcpFlyweight;
import io.trellis.vxlan.udp.UdpFlyweight;
import io.trellis.vxlan.vxlan.VxlanFlyweight;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TcpSegmenterTest {
    static final int VNI = 0x4242;
    static final int MSS = 1398;
    /** Underlay MTU 1500 over IPv4: 1500 − 20 − 8. */
    static final int MAX_DATAGRAM_V4 = 1472;
    static final int OUT_CAPACITY = 2 * 65_536;

    private final TcpSegmenter segmenter = new TcpSegmenter(MAX_DATAGRAM_V4);
    private final DatagramRun run = new DatagramRun();
    private final ByteBuf out = direct(OUT_CAPACITY);

    /** Largest TSO frame: IPv4 total length 65,535 with a 32-byte TCP header, PSH on, partial checksum as the TAP gives it. */
    static Segment largestTsoFrame(boolean v6) {
        Segment s = v6 ? Segment.v6() : Segment.v4();
        int payload = 0xFFFF - (v6 ? 0 : Ipv4Flyweight.MIN_HEADER_LENGTH) - TcpFlyweight.MIN_HEADER_LENGTH
                - TcpFrames.TIMESTAMP_OPTIONS_LENGTH;
        return s.payload(TcpFrames.randomPayload(v6 ? 6 : 4, payload))
                .flags(TcpFlyweight.FLAG_ACK | TcpFlyweight.FLAG_PSH).checksum(TcpFrames.Checksum.PARTIAL);
    }

    @Test
    void cuts64KbTcpv4FrameIntoEqualStrideDatagrams() {
        Segment original = largestTsoFrame(false);
        byte[] frame = original.build();
        assertThat(segmenter.segment(tsoHeader(original, MSS), direct(frame), 0, frame.length, VNI, out, 0, run))
                .isEqualTo(SegmentRejection.NONE);

        // 65,483 payload bytes: 46 × 1398 + 1175.
        assertThat(run.count()).isEqualTo(47);
        assertThat(run.stride()).isEqualTo(8 + 14 + 20 + 32 + MSS).isEqualTo(MAX_DATAGRAM_V4);
        assertThat(run.lastLength()).isEqualTo(8 + 14 + 20 + 32 + 1175);
        assertThat(run.length()).isEqualTo(46 * 1472 + run.lastLength());
        verifyDatagrams(original, run);
    }

    @Test
    void cuts64KbTcpv6FrameIntoEqualStrideDatagrams() {
        Segment original = largestTsoFrame(true);
        byte[] frame = original.build();
        TcpSegmenter wide = new TcpSegmenter(DatagramRun.MAX_SEND_BYTES);
        assertThat(wide.segment(tsoHeader(original, MSS), direct(frame), 0, frame.length, VNI, out, 0, run))
                .isEqualTo(SegmentRejection.NONE);

        // 65,503 payload bytes: 46 × 1398 + 1195.
        assertThat(run.count()).isEqualTo(47);
        assertThat(run.stride()).isEqualTo(8 + 14 + 40 + 32 + MSS);
        assertThat(run.lastLength()).isEqualTo(8 + 14 + 40 + 32 + 1195);
        verifyDatagrams(original, run);
    }

    @Test
    void splitsRunIntoSendsTheKernelAccepts() {
        Segment original = largestTsoFrame(false);
        byte[] frame = original.build();
        segmenter.segment(tsoHeader(original, MSS), direct(frame), 0, frame.length, VNI, out, 64, run);

        // 65,507 / 1472 = 44 datagrams per send (under UDP_MAX_SEGMENTS 64): 44 + 3.
        assertThat(run.datagramsPerSend()).isEqualTo(44);
        assertThat(run.sendCount()).isEqualTo(2);
        assertThat(run.sendOffset(0)).isEqualTo(64);
        assertThat(run.sendLength(0)).isEqualTo(44 * 1472).isLessThanOrEqualTo(DatagramRun.MAX_SEND_BYTES);
        assertThat(run.sendOffset(1)).isEqualTo(64 + 44 * 1472);
        assertThat(run.sendLength(1)).isEqualTo(2 * 1472 + run.lastLength());
        assertThat(run.sendLength(0) + run.sendLength(1)).isEqualTo(run.length());
    }

    @Test
    void keepsCwrOnFirstAndFinPshOnLastSegmentAndWrapsIpId() {
        Segment original = Segment.v4().payload(TcpFrames.randomPayload(1, 5000))
                .flags(TcpFlyweight.FLAG_ACK | TcpFlyweight.FLAG_CWR | TcpFlyweight.FLAG_ECE
                        | TcpFlyweight.FLAG_PSH | TcpFlyweight.FLAG_FIN);
        original.id = 0xFFFE;
        original.seq = 0xFFFF_F000L; // the sequence number wraps inside the frame
        byte[] frame = original.build();
        VirtioNetHeader vnet = tsoHeader(original, MSS).gsoType(VirtioNetHeader.GSO_TCPV4 | VirtioNetHeader.GSO_ECN);
        assertThat(segmenter.segment(vnet, direct(frame), 0, frame.length, VNI, out, 0, run)).isEqualTo(SegmentRejection.NONE);

        assertThat(run.count()).isEqualTo(4);
        verifyDatagrams(original, run);
        TcpFlyweight tcp = new TcpFlyweight();
        Ipv4Flyweight ip = new Ipv4Flyweight();
        int[] ids = new int[4];
        int[] flags = new int[4];
        for (int i = 0; i < 4; i++) {
            int f = run.datagramOffset(i) + 8;
            ids[i] = ip.wrap(out, f + 14, 20).identification();
            flags[i] = tcp.wrap(out, f + 34, 32).flags();
        }
        assertThat(ids).containsExactly(0xFFFE, 0xFFFF, 0, 1);
        int ackEce = TcpFlyweight.FLAG_ACK | TcpFlyweight.FLAG_ECE;
        assertThat(flags).containsExactly(ackEce | TcpFlyweight.FLAG_CWR, ackEce, ackEce,
                ackEce | TcpFlyweight.FLAG_PSH | TcpFlyweight.FLAG_FIN);
    }

    @Test
    void ignoresHdrLenAsWireguardGoDoes() {
        Segment original = Segment.v4().payload(TcpFrames.randomPayload(2, 3000));
        byte[] frame = original.build();
        // On forwarded packets the kernel reports the whole linear part as hdr_len.
        VirtioNetHeader vnet = tsoHeader(original, MSS).hdrLen(original.headersLength() + MSS);
        assertThat(segmenter.segment(vnet, direct(frame), 0, frame.length, VNI, out, 0, run)).isEqualTo(SegmentRejection.NONE);
        assertThat(run.count()).isEqualTo(3);
        verifyDatagrams(original, run);
    }

    @Test
    void completesPartialChecksumOfNonGsoFrame() {
        Segment original = Segment.v4().payload(TcpFrames.randomPayload(3, 700)).checksum(TcpFrames.Checksum.PARTIAL);
        byte[] frame = original.build();
        VirtioNetHeader vnet = vnet().flags(VirtioNetHeader.F_NEEDS_CSUM).csumStart(34).csumOffset(16);
        assertThat(segmenter.segment(vnet, direct(frame), 0, frame.length, VNI, out, 0, run)).isEqualTo(SegmentRejection.NONE);

        assertThat(run.count()).isEqualTo(1);
        assertThat(run.stride()).isEqualTo(8 + frame.length);
        assertThat(run.lastLength()).isEqualTo(8 + frame.length);
        byte[] expected = original.copy().checksum(TcpFrames.Checksum.COMPLETE).build();
        assertThat(TcpFrames.bytes(out, 8, frame.length)).isEqualTo(expected);
        assertThat(new VxlanFlyweight().wrap(out, 0, 8).vni()).isEqualTo(VNI);
    }

    @Test
    void copiesCompleteNonGsoFrameUnchanged() {
        byte[] frame = Segment.v6().payload(TcpFrames.randomPayload(4, 100)).build();
        assertThat(segmenter.segment(vnet(), direct(frame), 0, frame.length, VNI, out, 16, run)).isEqualTo(SegmentRejection.NONE);
        assertThat(run.offset()).isEqualTo(16);
        assertThat(TcpFrames.bytes(out, 16 + 8, frame.length)).isEqualTo(frame);
    }

    @Test
    void storesCompletedZeroChecksumAsAllOnes() {
        // A UDP datagram whose checksum comes out as 0: the last two payload bytes make the sum 0xFFFF.
        ByteBuf udp = direct(14 + 20 + 8 + 10);
        EthernetEncoder.write(udp, 0, TcpFrames.MAC_B, TcpFrames.MAC_A, EtherType.IPV4_VALUE);
        Ipv4Encoder.write(udp, 14, TcpFrames.IP_A, TcpFrames.IP_B, IpProtocol.UDP_NUMBER, 18, 64, 1);
        udp.setShort(34, 5353).setShort(36, 53).setShort(38, 18);
        int seed = InternetChecksum.pseudoHeaderSumIpv4(udp, 14, IpProtocol.UDP_NUMBER, 18);
        udp.setShort(40, seed);
        int sum = InternetChecksum.sum(udp, 34, 18);
        udp.setShort(50, InternetChecksum.complement(sum));
        assertThat(InternetChecksum.sum(udp, 34, 18)).isEqualTo(0xFFFF);

        assertThat(PartialChecksum.complete(udp, 0, 52, 34, 6)).isTrue();
        assertThat(udp.getUnsignedShort(40)).isEqualTo(0xFFFF);
        assertThat(new UdpFlyweight().wrap(udp, 34, 18).checksumValid(
                InternetChecksum.pseudoHeaderSumIpv4(udp, 14, IpProtocol.UDP_NUMBER, 18))).isTrue();
    }

    @Test
    void rejectsWhatItCannotCut() {
        Segment s = Segment.v4().payload(TcpFrames.randomPayload(5, 4000));
        byte[] frame = s.build();
        ByteBuf in = direct(frame);
        assertThat(segmenter.segment(tsoHeader(s, MSS).gsoType(VirtioNetHeader.GSO_UDP_L4), in, 0, frame.length, VNI, out, 0, run))
                .isEqualTo(SegmentRejection.UNSUPPORTED_GSO_TYPE);
        assertThat(segmenter.segment(tsoHeader(s, 0), in, 0, frame.length, VNI, out, 0, run))
                .isEqualTo(SegmentRejection.BAD_GSO_SIZE);
        assertThat(segmenter.segment(tsoHeader(s, MSS).csumStart(30), in, 0, frame.length, VNI, out, 0, run))
                .isEqualTo(SegmentRejection.BAD_CHECKSUM_OFFSETS);
        assertThat(segmenter.segment(tsoHeader(s, MSS).csumOffset(6), in, 0, frame.length, VNI, out, 0, run))
                .isEqualTo(SegmentRejection.BAD_CHECKSUM_OFFSETS);
        assertThat(segmenter.segment(tsoHeader(s, MSS).gsoType(VirtioNetHeader.GSO_TCPV6), in, 0, frame.length, VNI, out, 0, run))
                .isEqualTo(SegmentRejection.NOT_TCP);
        assertThat(segmenter.segment(tsoHeader(s, MSS), in, 0, frame.length - 1, VNI, out, 0, run))
                .isEqualTo(SegmentRejection.MALFORMED);
        assertThat(segmenter.segment(tsoHeader(s, MSS + 1), in, 0, frame.length, VNI, out, 0, run))
                .isEqualTo(SegmentRejection.OVERSIZE);
        assertThat(segmenter.segment(tsoHeader(s, MSS), in, 0, frame.length, VNI, direct(4000), 0, run))
                .isEqualTo(SegmentRejection.OUTPUT_TOO_SMALL);
        assertThat(segmenter.segment(vnet().flags(VirtioNetHeader.F_NEEDS_CSUM).csumStart(frame.length - 10).csumOffset(16),
                in, 0, frame.length, VNI, out, 0, run)).isEqualTo(SegmentRejection.BAD_CHECKSUM_OFFSETS);
    }

    @Test
    void gatherWritesTheSameDatagramsAsSegmentByteForByte() {
        Segment flagged = Segment.v4().payload(TcpFrames.randomPayload(11, 5000))
                .flags(TcpFlyweight.FLAG_ACK | TcpFlyweight.FLAG_CWR | TcpFlyweight.FLAG_PSH | TcpFlyweight.FLAG_FIN);
        flagged.id = 0xFFFF;
        flagged.seq = 0xFFFF_FFF0L;
        Segment[] frames = {largestTsoFrame(false), largestTsoFrame(true), flagged,
            Segment.v6().payload(TcpFrames.randomPayload(12, 2 * MSS + 1))};
        int[] mssValues = {MSS, 1397, 536, 7};
        TcpSegmenter wide = new TcpSegmenter(DatagramRun.MAX_SEND_BYTES);
        for (Segment original : frames) {
            for (int mss : mssValues) {
                byte[] frame = original.build();
                ByteBuf in = direct(frame.length + 30);
                in.setBytes(30, frame); // the frame not at 0, as after a virtio header
                SegmentRejection copied = wide.segment(tsoHeader(original, mss), in, 30, frame.length, VNI, out, 0, run);
                GatherRun gathered = new GatherRun(direct(OUT_CAPACITY));
                ByteBuf headers = direct(128 * 1024);
                SegmentRejection g = wide.gather(tsoHeader(original, mss), in, 30, frame.length, VNI, headers, 5, gathered);
                String what = (original.v6 ? "IPv6" : "IPv4") + " frame of " + original.payload.length + " bytes at MSS " + mss;
                if (copied == SegmentRejection.OUTPUT_TOO_SMALL) { // 64 KB at MSS 7: 9,355 segments
                    assertThat(g).as(what).isEqualTo(SegmentRejection.OUTPUT_TOO_SMALL);
                    continue;
                }
                assertThat(copied).as(what).isEqualTo(SegmentRejection.NONE);
                assertThat(g).as(what).isEqualTo(SegmentRejection.NONE);
                assertThat(gathered.count()).as(what).isEqualTo(run.count());
                assertThat(gathered.stride()).as(what).isEqualTo(run.stride());
                assertThat(gathered.length()).as(what).isEqualTo(run.length());
                assertThat(gathered.sendCount()).as(what).isEqualTo(run.sendCount());
                for (int s = 0; s < run.sendCount(); s++) {
                    assertThat(gathered.sendLength(s)).isEqualTo(run.sendLength(s));
                    assertThat(gathered.firstDatagram(s) * run.stride() + run.offset()).isEqualTo(run.sendOffset(s));
                }
                byte[] expected = TcpFrames.bytes(out, run.offset(), run.length());
                byte[] viaIovecs = new byte[gathered.length()];
                int at = 0;
                for (int i = 0; i < gathered.count(); i++) { // what the kernel concatenates
                    gathered.headerBuffer().getBytes(gathered.headerOffset(i), viaIovecs, at, gathered.headerLength());
                    at += gathered.headerLength();
                    gathered.payloadBuffer().getBytes(gathered.payloadOffset(i), viaIovecs, at, gathered.payloadLength(i));
                    at += gathered.payloadLength(i);
                }
                assertThat(viaIovecs).as(what).isEqualTo(expected);
                DatagramRun contiguous = gathered.contiguous();
                assertThat(TcpFrames.bytes(contiguous.buffer(), contiguous.offset(), contiguous.length())).as(what).isEqualTo(expected);
                verifyDatagrams(original, contiguous);
                assertThat(TcpFrames.bytes(in, 30, frame.length)).as("the frame is only read").isEqualTo(frame);
            }
        }
    }

    @Test
    void gatherLeavesWhatIsOneDatagramToSegment() {
        Segment small = Segment.v4().payload(TcpFrames.randomPayload(13, 700)).checksum(TcpFrames.Checksum.PARTIAL);
        byte[] frame = small.build();
        GatherRun gathered = new GatherRun(direct(OUT_CAPACITY));
        ByteBuf headers = direct(4096);
        VirtioNetHeader partial = vnet().flags(VirtioNetHeader.F_NEEDS_CSUM).csumStart(34).csumOffset(16);
        assertThat(segmenter.gather(partial, direct(frame), 0, frame.length, VNI, headers, 0, gathered))
                .isEqualTo(SegmentRejection.NOT_GATHERED);
        assertThat(segmenter.gather(tsoHeader(small, MSS), direct(frame), 0, frame.length, VNI, headers, 0, gathered))
                .as("a TSO frame of one segment").isEqualTo(SegmentRejection.NOT_GATHERED);
    }

    @Test
    void gatherRejectsWhatSegmentRejectsAndWhatDoesNotFit() {
        Segment s = Segment.v4().payload(TcpFrames.randomPayload(14, 4000));
        byte[] frame = s.build();
        ByteBuf in = direct(frame);
        ByteBuf headers = direct(4096);
        GatherRun gathered = new GatherRun(direct(OUT_CAPACITY));
        assertThat(segmenter.gather(tsoHeader(s, MSS).gsoType(VirtioNetHeader.GSO_UDP_L4), in, 0, frame.length, VNI, headers, 0, gathered))
                .isEqualTo(SegmentRejection.UNSUPPORTED_GSO_TYPE);
        assertThat(segmenter.gather(tsoHeader(s, 0), in, 0, frame.length, VNI, headers, 0, gathered))
                .isEqualTo(SegmentRejection.BAD_GSO_SIZE);
        assertThat(segmenter.gather(tsoHeader(s, MSS).csumStart(30), in, 0, frame.length, VNI, headers, 0, gathered))
                .isEqualTo(SegmentRejection.BAD_CHECKSUM_OFFSETS);
        assertThat(segmenter.gather(tsoHeader(s, MSS), in, 0, frame.length - 1, VNI, headers, 0, gathered))
                .isEqualTo(SegmentRejection.MALFORMED);
        assertThat(segmenter.gather(tsoHeader(s, MSS + 1), in, 0, frame.length, VNI, headers, 0, gathered))
                .isEqualTo(SegmentRejection.OVERSIZE);
        // 3 datagrams × 74 bytes of headers: 221 bytes are one too few, and so is a small scratch buffer.
        assertThat(segmenter.gather(tsoHeader(s, MSS), in, 0, frame.length, VNI, direct(221), 0, gathered))
                .isEqualTo(SegmentRejection.OUTPUT_TOO_SMALL);
        assertThat(segmenter.gather(tsoHeader(s, MSS), in, 0, frame.length, VNI, direct(222), 0, gathered))
                .isEqualTo(SegmentRejection.NONE);
        assertThat(segmenter.gather(tsoHeader(s, MSS), in, 0, frame.length, VNI, headers, 0, new GatherRun(direct(4000))))
                .isEqualTo(SegmentRejection.OUTPUT_TOO_SMALL);
    }

    /**
     * Decodes every datagram of {@code run} with the vxlan codecs and checks it against the segment
     * the kernel's TSO would have sent: headers, lengths, IDs, sequence numbers, checksums, and
     * that the payloads put together are the original's.
     */
    static void verifyDatagrams(Segment original, DatagramRun run) {
        ByteBuf out = run.buffer();
        ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        VxlanFlyweight vxlan = new VxlanFlyweight();
        EthernetFlyweight eth = new EthernetFlyweight();
        Ipv4Flyweight ip4 = new Ipv4Flyweight();
        Ipv6Flyweight ip6 = new Ipv6Flyweight();
        TcpFlyweight tcp = new TcpFlyweight();
        int mss = run.count() > 1 ? run.stride() - 8 - original.headersLength() : original.payload.length;
        for (int i = 0; i < run.count(); i++) {
            int d = run.datagramOffset(i);
            int length = run.datagramLength(i);
            assertThat(vxlan.wrap(out, d, length).check().isNone()).isTrue();
            assertThat(vxlan.vni()).isEqualTo(VNI);
            assertThat(eth.wrap(out, vxlan.payloadOffset(), vxlan.payloadLength()).check().isNone()).isTrue();
            assertThat(eth.source()).isEqualTo(original.srcMac);
            assertThat(eth.destination()).isEqualTo(original.dstMac);
            int tcpLength;
            int pseudo;
            if (original.v6) {
                assertThat(ip6.wrap(out, eth.payloadOffset(), eth.payloadLength()).check().isNone()).isTrue();
                tcpLength = ip6.payloadLength();
                assertThat(40 + tcpLength).isEqualTo(eth.payloadLength());
                pseudo = InternetChecksum.pseudoHeaderSumIpv6(out, ip6.offset(), IpProtocol.TCP_NUMBER, tcpLength);
                tcp.wrap(out, ip6.payloadOffset(), tcpLength);
            } else {
                assertThat(ip4.wrap(out, eth.payloadOffset(), eth.payloadLength()).check().isNone()).isTrue(); // header checksum too
                assertThat(ip4.totalLength()).isEqualTo(eth.payloadLength());
                assertThat(ip4.identification()).isEqualTo(original.id + i & 0xFFFF);
                assertThat(ip4.ttl()).isEqualTo(original.ttl);
                assertThat(ip4.dontFragment()).isEqualTo(original.dontFragment);
                tcpLength = ip4.payloadLength();
                pseudo = InternetChecksum.pseudoHeaderSumIpv4(out, ip4.offset(), IpProtocol.TCP_NUMBER, tcpLength);
                tcp.wrap(out, ip4.payloadOffset(), tcpLength);
            }
            assertThat(tcp.check().isNone()).isTrue();
            assertThat(tcp.checksumValid(pseudo)).as("TCP checksum of segment %d", i).isTrue();
            assertThat(tcp.sequenceNumber()).isEqualTo(original.seq + (long) i * mss & 0xFFFF_FFFFL);
            assertThat(tcp.acknowledgmentNumber()).isEqualTo(original.ack);
            assertThat(tcp.window()).isEqualTo(original.window);
            assertThat(TcpFrames.bytes(out, tcp.offset() + 20, tcp.optionsLength())).isEqualTo(original.options);
            int expectedFlags = original.flags;
            if (i > 0) {
                expectedFlags &= ~TcpFlyweight.FLAG_CWR;
            }
            if (i < run.count() - 1) {
                expectedFlags &= ~(TcpFlyweight.FLAG_FIN | TcpFlyweight.FLAG_PSH);
                assertThat(tcp.payloadLength()).isEqualTo(mss);
                assertThat(length).isEqualTo(run.stride());
            }
            assertThat(tcp.flags()).isEqualTo(expectedFlags);
            payloads.writeBytes(TcpFrames.bytes(out, tcp.payloadOffset(), tcp.payloadLength()));
        }
        assertThat(Arrays.equals(payloads.toByteArray(), original.payload)).as("payloads put together").isTrue();
    }
}
