package io.trellis.dataplane.offload;

import static io.trellis.dataplane.offload.TcpFrames.Segment;
import static io.trellis.dataplane.offload.TcpFrames.direct;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.dataplane.offload.RecordingSink.Written;
import io.trellis.ipvs.tun.VirtioNetHeader;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.tcp.TcpFlyweight;
import io.trellis.vxlan.vxlan.VxlanFlyweight;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded random fuzzing (a plain loop rather than jqwik: no failure database to keep out of the
 * module folder, and a failing case is replayed from the seed and case number it prints). Frames
 * start as well-formed TCP, UDP, ARP or random bytes, get bytes flipped and cut short, and come
 * with virtio headers whose fields are right, off by a little or garbage (gso_size 0, hdr_len
 * past the frame, csum_start out of range). Every buffer ends exactly where the frame ends, so a
 * read past it throws. Nothing may throw; what is accepted must be right.
 */
class OffloadFuzzTest {
    private static final long SEED = Long.getLong("offload.fuzz.seed", 0x7E11_15_0FF10ADL);
    private static final int SEGMENTER_CASES = 50_000;
    private static final int COALESCER_CASES = 50_000;
    private static final int[] GSO_SIZES = {0, 1, 7, 536, 1378, 1398, 1448, 9000, 0xFFFF};
    private static final int[] GSO_TYPES = {VirtioNetHeader.GSO_NONE, VirtioNetHeader.GSO_TCPV4, VirtioNetHeader.GSO_TCPV6,
        VirtioNetHeader.GSO_UDP_L4, VirtioNetHeader.GSO_TCPV4 | VirtioNetHeader.GSO_ECN, VirtioNetHeader.GSO_TCPV6 | VirtioNetHeader.GSO_ECN};

    @Test
    void segmenterRejectsGarbageWithATypedResult() {
        ByteBuf out = direct(256 * 1024);
        ByteBuf smallOut = direct(4096);
        DatagramRun run = new DatagramRun();
        TcpSegmenter wide = new TcpSegmenter(DatagramRun.MAX_SEND_BYTES);
        TcpSegmenter narrow = new TcpSegmenter(1472);
        int[] outcomes = new int[SegmentRejection.values().length];
        int[] gatherOutcomes = new int[SegmentRejection.values().length];
        ByteBuf gatherHeaders = direct(16 * 1024);
        GatherRun gathered = new GatherRun(direct(2 * 65_536));
        for (int c = 0; c < SEGMENTER_CASES; c++) {
            Random r = new Random(SEED + c);
            try {
                byte[] frame = mutate(r, randomFrame(r));
                int offset = r.nextInt(4) * 7;
                ByteBuf in = heap(frame, offset);
                VirtioNetHeader vnet = randomHeader(r, frame);
                TcpSegmenter segmenter = r.nextBoolean() ? wide : narrow;
                SegmentRejection result = segmenter.segment(vnet, in, offset, frame.length, 99,
                        r.nextInt(10) == 0 ? smallOut : out, r.nextInt(3) * 100, run);
                outcomes[result.ordinal()]++;
                if (result.isNone()) {
                    verifyRun(run, vnet, segmenter.maxDatagramLength());
                }
                // Gathering must accept exactly the multi-segment GSO frames segment() cuts (unless
                // its smaller buffers do not fit them), with the same bytes, and reject the rest alike.
                SegmentRejection g = segmenter.gather(vnet, in, offset, frame.length, 99, gatherHeaders, 0, gathered);
                gatherOutcomes[g.ordinal()]++;
                boolean gatherable = vnet.gsoProtocol() != VirtioNetHeader.GSO_NONE
                        && !(result.isNone() && run.count() < 2);
                if (!gatherable) {
                    assertThat(g).isIn(SegmentRejection.NOT_GATHERED, result);
                } else if (g.isNone()) {
                    assertThat(result).isIn(SegmentRejection.NONE, SegmentRejection.OUTPUT_TOO_SMALL);
                    DatagramRun contiguous = gathered.contiguous();
                    verifyRun(contiguous, vnet, segmenter.maxDatagramLength());
                    if (result.isNone()) {
                        assertThat(TcpFrames.bytes(contiguous.buffer(), 0, contiguous.length()))
                                .isEqualTo(TcpFrames.bytes(run.buffer(), run.offset(), run.length()));
                    }
                } else if (g == SegmentRejection.OUTPUT_TOO_SMALL) {
                    assertThat(result).isIn(SegmentRejection.NONE, SegmentRejection.OUTPUT_TOO_SMALL);
                } else if (g == SegmentRejection.NOT_GATHERED) { // one segment, which segment() had no room for
                    assertThat(result).isEqualTo(SegmentRejection.OUTPUT_TOO_SMALL);
                } else {
                    assertThat(g).isEqualTo(result);
                }
            } catch (Throwable e) {
                throw new AssertionError("segmenter case " + c + " of seed " + SEED, e);
            }
        }
        // The generator must reach acceptance and every kind of rejection, not just break headers.
        for (SegmentRejection outcome : SegmentRejection.values()) {
            if (outcome != SegmentRejection.NOT_GATHERED) { // gather()'s own answer
                assertThat(outcomes[outcome.ordinal()]).as("cases ending in %s", outcome).isGreaterThan(50);
            }
        }
        assertThat(gatherOutcomes[SegmentRejection.NONE.ordinal()]).as("frames gathered").isGreaterThan(50);
        assertThat(gatherOutcomes[SegmentRejection.NOT_GATHERED.ordinal()]).as("frames not gathered").isGreaterThan(50);
    }

    @Test
    void coalescerNeverThrowsAndMergesOnlyOfferedValidSegments() {
        RecordingSink sink = new RecordingSink();
        TcpCoalescer coalescer = new TcpCoalescer(3, sink);
        TcpSegmenter resegmenter = new TcpSegmenter(DatagramRun.MAX_SEND_BYTES);
        ByteBuf out = direct(512 * 1024);
        DatagramRun run = new DatagramRun();
        long merged = 0;
        for (int c = 0; c < COALESCER_CASES; c++) {
            Random r = new Random(SEED ^ c * 0x9E37_79B9_7F4A_7C15L);
            try {
                sink.clear();
                Set<ByteBuffer> offered = new HashSet<>();
                Set<ByteBuffer> validPayloads = new HashSet<>();
                for (byte[] frame : randomFlow(r)) {
                    offered.add(ByteBuffer.wrap(frame));
                    recordValidSegment(frame, validPayloads);
                    int offset = r.nextInt(3) * 5;
                    coalescer.offer(heap(frame, offset), offset, frame.length);
                    if (r.nextInt(10) == 0) {
                        coalescer.flush();
                    }
                }
                coalescer.flush();
                for (Written w : sink.written) {
                    if (!w.isGso()) {
                        assertThat(offered).as("a frame written alone is one that was offered").contains(ByteBuffer.wrap(w.frame()));
                        continue;
                    }
                    merged++;
                    assertThat(w.completedChecksumVerifies()).as("merged checksum, completed").isTrue();
                    // Cut the GSO frame as the kernel would: every piece must be a segment offered with a good checksum.
                    SegmentRejection again = resegmenter.segment(w.vnet(), heap(w.frame(), 0), 0, w.frame().length, 1, out, 0, run);
                    assertThat(again).isEqualTo(SegmentRejection.NONE);
                    for (int i = 0; i < run.count(); i++) {
                        byte[] piece = TcpFrames.bytes(out, run.datagramOffset(i) + 8, run.datagramLength(i) - 8);
                        assertThat(validPayloads).contains(ByteBuffer.wrap(sequenceAndPayload(piece)));
                    }
                }
            } catch (Throwable e) {
                throw new AssertionError("coalescer case " + c + " of seed " + SEED, e);
            }
        }
        assertThat(merged).as("merged frames checked").isGreaterThan(COALESCER_CASES / 4);
    }

    /**
     * The frame behind {@code offset} bytes, in a buffer that ends where the frame ends. On the
     * heap: allocating direct memory for every frame would dominate the run time.
     */
    private static ByteBuf heap(byte[] frame, int offset) {
        byte[] b = new byte[offset + frame.length];
        System.arraycopy(frame, 0, b, offset, frame.length);
        return Unpooled.wrappedBuffer(b);
    }

    /** Each datagram carries the VNI; for TSO frames, each is a TCP segment with valid checksums. */
    private static void verifyRun(DatagramRun run, VirtioNetHeader vnet, int maxDatagram) {
        assertThat(run.count()).isPositive();
        assertThat(run.stride()).isLessThanOrEqualTo(run.count() > 1 ? maxDatagram : Integer.MAX_VALUE);
        assertThat(run.offset() + run.length()).isLessThanOrEqualTo(run.buffer().capacity());
        boolean tso = vnet.gsoProtocol() != VirtioNetHeader.GSO_NONE;
        VxlanFlyweight vxlan = new VxlanFlyweight();
        for (int i = 0; i < run.count(); i++) {
            assertThat(vxlan.wrap(run.buffer(), run.datagramOffset(i), run.datagramLength(i)).check().isNone()).isTrue();
            assertThat(vxlan.vni()).isEqualTo(99);
            if (tso) {
                byte[] frame = TcpFrames.bytes(run.buffer(), vxlan.payloadOffset(), vxlan.payloadLength());
                assertThat(tcpChecksumValid(frame)).as("TCP checksum of datagram %d", i).isTrue();
            }
        }
    }

    private static boolean tcpChecksumValid(byte[] frame) {
        ByteBuf f = heap(frame, 0);
        boolean v6 = f.getUnsignedShort(12) == 0x86DD;
        int l4 = v6 ? 54 : 14 + (f.getUnsignedByte(14) & 0xF) * 4;
        int tcpLength = v6 ? f.getUnsignedShort(18) : f.getUnsignedShort(16) - (l4 - 14);
        if (!v6 && !new Ipv4Flyweight().wrap(f, 14, frame.length - 14).check().isNone()) {
            return false;
        }
        int pseudo = v6 ? InternetChecksum.pseudoHeaderSumIpv6(f, 14, IpProtocol.TCP_NUMBER, tcpLength)
                : InternetChecksum.pseudoHeaderSumIpv4(f, 14, IpProtocol.TCP_NUMBER, tcpLength);
        return InternetChecksum.verify(f, l4, tcpLength, pseudo);
    }

    /** Remembers (sequence number, payload) of a TCP frame whose checksum verifies or is partial. */
    private static void recordValidSegment(byte[] frame, Set<ByteBuffer> valid) {
        if (frame.length < 54 || (frame[12] != 0x08 || frame[13] != 0) && (frame[12] != (byte) 0x86 || frame[13] != (byte) 0xDD)) {
            return;
        }
        ByteBuf f = heap(frame, 0);
        boolean v6 = frame[12] == (byte) 0x86;
        int l4 = v6 ? 54 : 14 + (f.getUnsignedByte(14) & 0xF) * 4;
        int ipEnd = v6 ? 54 + f.getUnsignedShort(18) : 14 + f.getUnsignedShort(16);
        if (l4 + 20 > frame.length || ipEnd > frame.length || ipEnd < l4 + (f.getUnsignedByte(l4 + 12) >> 4) * 4) {
            return;
        }
        int pseudo = v6 ? InternetChecksum.pseudoHeaderSumIpv6(f, 14, IpProtocol.TCP_NUMBER, ipEnd - l4)
                : InternetChecksum.pseudoHeaderSumIpv4(f, 14, IpProtocol.TCP_NUMBER, ipEnd - l4);
        if (InternetChecksum.verify(f, l4, ipEnd - l4, pseudo) || f.getUnsignedShort(l4 + 16) == pseudo) {
            valid.add(ByteBuffer.wrap(sequenceAndPayload(Arrays.copyOf(frame, ipEnd))));
        }
    }

    /** The sequence number followed by the payload of a TCP frame (headers as they say, no padding). */
    private static byte[] sequenceAndPayload(byte[] frame) {
        ByteBuf f = heap(frame, 0);
        boolean v6 = f.getUnsignedShort(12) == 0x86DD;
        int l4 = v6 ? 54 : 14 + (f.getUnsignedByte(14) & 0xF) * 4;
        int data = l4 + (f.getUnsignedByte(l4 + 12) >> 4) * 4;
        byte[] key = new byte[4 + frame.length - data];
        f.getBytes(l4 + 4, key, 0, 4);
        f.getBytes(data, key, 4, frame.length - data);
        return key;
    }

    /** 1–12 segments of one flow, then reordered, duplicated, dropped, corrupted, mixed with other frames. */
    private static List<byte[]> randomFlow(Random r) {
        Segment flow = randomSegment(r);
        int mss = 1 + r.nextInt(r.nextBoolean() ? 1500 : 100);
        byte[] data = TcpFrames.randomPayload(r.nextLong(), mss * (1 + r.nextInt(12)) - r.nextInt(mss));
        List<byte[]> frames = new ArrayList<>();
        for (Segment s : flow.split(data, mss)) {
            if (r.nextInt(8) == 0) {
                s.checksum = TcpFrames.Checksum.values()[r.nextInt(3)];
            }
            frames.add(s.build());
        }
        int edits = r.nextInt(4);
        for (int e = 0; e < edits && !frames.isEmpty(); e++) {
            int i = r.nextInt(frames.size());
            switch (r.nextInt(6)) {
                case 0 -> frames.add(r.nextInt(frames.size() + 1), frames.get(i).clone());
                case 1 -> frames.remove(i);
                case 2 -> frames.add(r.nextInt(frames.size()), frames.remove(i));
                case 3 -> frames.add(r.nextInt(frames.size() + 1), randomFrame(r));
                default -> frames.set(i, mutate(r, frames.get(i)));
            }
        }
        return frames;
    }

    private static Segment randomSegment(Random r) {
        Segment s = r.nextBoolean() ? Segment.v4() : Segment.v6();
        s.options = switch (r.nextInt(4)) {
            case 0 -> new byte[0];
            case 1 -> new byte[] {1, 1, 1, 1}; // four NOPs
            default -> TcpFrames.timestamps(r.nextInt(), r.nextInt());
        };
        s.flags = r.nextInt(5) == 0 ? r.nextInt(0x200) : TcpFlyweight.FLAG_ACK | (r.nextInt(4) == 0 ? TcpFlyweight.FLAG_PSH : 0);
        s.seq = r.nextInt() & 0xFFFF_FFFFL;
        s.dontFragment = r.nextInt(4) != 0;
        s.checksum = TcpFrames.Checksum.values()[r.nextInt(2)];
        return s;
    }

    private static byte[] randomFrame(Random r) {
        switch (r.nextInt(8)) {
            case 0:
                byte[] noise = new byte[r.nextInt(200)];
                r.nextBytes(noise);
                return noise;
            case 1:
                return TcpFrames.udp(r.nextBoolean());
            default:
                Segment s = randomSegment(r);
                s.payload = TcpFrames.randomPayload(r.nextLong(), r.nextInt(8) == 0 ? r.nextInt(20_000) : r.nextInt(3000));
                return s.build();
        }
    }

    /** Flips up to four bytes, mostly in the headers, and sometimes cuts the frame short. */
    private static byte[] mutate(Random r, byte[] frame) {
        byte[] m = frame.clone();
        if (m.length > 0 && r.nextBoolean()) {
            int flips = 1 + r.nextInt(4);
            for (int i = 0; i < flips; i++) {
                int at = r.nextInt(4) != 0 ? r.nextInt(Math.min(m.length, 90)) : r.nextInt(m.length);
                m[at] = (byte) (r.nextInt(3) == 0 ? r.nextInt(256) : m[at] ^ 1 << r.nextInt(8));
            }
        }
        if (r.nextInt(6) == 0) {
            m = Arrays.copyOf(m, r.nextInt(m.length + 1));
        }
        return m;
    }

    /** Mostly the header a TAP would give, each field replaced by a near miss or garbage now and then. */
    private static VirtioNetHeader randomHeader(Random r, byte[] frame) {
        boolean v6 = frame.length > 13 && frame[12] == (byte) 0x86;
        int l4 = v6 ? 54 : frame.length > 14 ? 14 + (frame[14] & 0xF) * 4 : 34;
        VirtioNetHeader h = TcpFrames.vnet();
        h.flags(r.nextInt(4) == 0 ? r.nextInt(256) : VirtioNetHeader.F_NEEDS_CSUM);
        h.gsoType(r.nextInt(3) == 0 ? GSO_TYPES[r.nextInt(GSO_TYPES.length)] | (r.nextInt(20) == 0 ? r.nextInt(256) : 0)
                : v6 ? VirtioNetHeader.GSO_TCPV6 : VirtioNetHeader.GSO_TCPV4);
        h.gsoSize(r.nextInt(4) == 0 ? r.nextInt(0x10000) : GSO_SIZES[r.nextInt(GSO_SIZES.length)]);
        h.hdrLen(r.nextInt(3) == 0 ? r.nextInt(0x10000) : l4 + 32);
        h.csumStart(switch (r.nextInt(6)) {
            case 0 -> r.nextInt(0x10000);
            case 1 -> Math.max(0, frame.length - 1 - r.nextInt(20));
            case 2 -> frame.length + r.nextInt(10);
            default -> l4;
        });
        h.csumOffset(r.nextInt(5) == 0 ? r.nextInt(0x10000) : r.nextInt(5) == 0 ? 6 : 16);
        return h;
    }
}
