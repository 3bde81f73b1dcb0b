package io.trellis.dataplane.offload;

import static io.trellis.dataplane.offload.TcpFrames.Segment;
import static io.trellis.dataplane.offload.TcpFrames.direct;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.trellis.ipvs.tun.VirtioNetHeader;
import io.trellis.testing.AllocationMeter;
import org.junit.jupiter.api.Test;

/**
 * Steady state allocates nothing: cutting 64 KB TSO frames (IPv4 and IPv6) into datagrams, by
 * copying and by gathering (headers only, then the copy a non-gathering sink falls back to),
 * completing the checksum of a small frame, and merging the datagrams back with pass-through
 * frames in between. Measured with the per-thread allocation counter
 * ({@code com.sun.management.ThreadMXBean}) after warm-up. All buffers are
 * {@code Unpooled.wrappedBuffer}s of direct memory: the paranoid leak detector the tests run with
 * would record a stack trace on every access of allocator buffers.
 */
class OffloadAllocationTest {
    private static final int WARM_UP_ROUNDS = 2_000;
    private static final int MEASURED_ROUNDS = 500;
    /** Slack for one-off JVM activity on this thread (class init, a lazily resolved call site). */
    private static final long BOUND_BYTES = 1024;

    private final TcpSegmenter segmenter = new TcpSegmenter(DatagramRun.MAX_SEND_BYTES);
    private final DatagramRun run = new DatagramRun();
    private final ByteBuf out = direct(2 * 65_536);
    private final ByteBuf gatherHeaders = direct(16 * 1024);
    private final GatherRun gathered = new GatherRun(direct(2 * 65_536));
    private long gatheredBytes;
    private final CountingSink sink = new CountingSink();
    private final TcpCoalescer coalescer = new TcpCoalescer(TcpCoalescer.FLOW_SLOTS_DEFAULT, sink);

    private final Frame tso4 = Frame.tso(TcpSegmenterTest.largestTsoFrame(false));
    private final Frame tso6 = Frame.tso(TcpSegmenterTest.largestTsoFrame(true));
    private final Frame small = new Frame(Segment.v4().payload(new byte[300]).checksum(TcpFrames.Checksum.PARTIAL).build(),
            TcpFrames.vnet().flags(VirtioNetHeader.F_NEEDS_CSUM).csumStart(34).csumOffset(16));
    private final ByteBuf udp = direct(TcpFrames.udp(true));
    private final ByteBuf pureAck = direct(Segment.v4().build());
    private long roundsRun;

    @Test
    void segmentingAndCoalescingAllocateNothing() {
        AllocationMeter meter = new AllocationMeter();

        rounds(WARM_UP_ROUNDS);
        long allocated = Long.MAX_VALUE;
        // Three attempts, keep the best: a late JIT deoptimisation may resolve something once; an
        // allocating hot path fails all three.
        for (int attempt = 0; attempt < 3 && allocated >= BOUND_BYTES; attempt++) {
            long before = meter.allocatedBytes();
            rounds(MEASURED_ROUNDS);
            allocated = Math.min(allocated, meter.allocatedBytes() - before);
        }
        assertThat(allocated).as("bytes allocated by %d rounds", MEASURED_ROUNDS).isLessThan(BOUND_BYTES);
        // Each round: two GSO frames written back, and the small frame, UDP and ACK alone.
        assertThat(coalescer.gsoFramesWritten()).isEqualTo(2L * roundsRun);
        assertThat(coalescer.framesWritten()).isEqualTo(5L * roundsRun);
        assertThat(sink.bytes).isPositive();
        assertThat(gatheredBytes).isPositive();
    }

    private void rounds(int n) {
        roundsRun += n;
        for (int i = 0; i < n; i++) {
            roundTrip(tso4);
            roundTrip(tso6);
            if (!segmenter.segment(small.vnet, small.buf, 0, small.length, 1, out, 0, run).isNone()) {
                throw new AssertionError("small frame rejected");
            }
            coalescer.offer(out, 8, small.length);
            coalescer.offer(udp, 0, udp.capacity());
            coalescer.offer(pureAck, 0, pureAck.capacity());
            coalescer.flush();
        }
    }

    private void roundTrip(Frame frame) {
        if (!segmenter.segment(frame.vnet, frame.buf, 0, frame.length, 1, out, 0, run).isNone()) {
            throw new AssertionError("TSO frame rejected");
        }
        for (int d = 0; d < run.count(); d++) {
            coalescer.offer(out, run.datagramOffset(d) + 8, run.datagramLength(d) - 8);
        }
        if (!segmenter.gather(frame.vnet, frame.buf, 0, frame.length, 1, gatherHeaders, 0, gathered).isNone()) {
            throw new AssertionError("TSO frame not gathered");
        }
        gatheredBytes += gathered.contiguous().length();
    }

    /** A frame in a direct buffer with the virtio header a TAP would give it. */
    private record Frame(ByteBuf buf, int length, VirtioNetHeader vnet) {
        Frame(byte[] bytes, VirtioNetHeader vnet) {
            this(direct(bytes), bytes.length, vnet);
        }

        static Frame tso(Segment segment) {
            return new Frame(segment.build(), TcpFrames.tsoHeader(segment, TcpCoalescerTest.MSS));
        }
    }

    /** Stands in for the TAP write: touches the bytes, keeps nothing. */
    private static final class CountingSink implements VnetFrameSink {
        long bytes;

        @Override
        public void write(ByteBuf buf, int offset, int length) {
            bytes += length + buf.getByte(offset + length - 1);
        }
    }
}
