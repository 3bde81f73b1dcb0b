package io.trellis.vxlan;

import io.trellis.vxlan.packet.VxlanPacketDecoder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.testing.AllocationMeter;
import io.trellis.vxlan.packet.VxlanPacketDecoder.Layer;
import io.trellis.vxlan.checksum.InternetChecksum;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hot path allocates nothing: decoding whole VXLAN packets (every layer, every checksum) and
 * reading their fields, on heap and direct buffers, including the failure path.
 *
 * <p>Measured with the per-thread allocation counter ({@code com.sun.management.ThreadMXBean}),
 * which counts every TLAB and outside-TLAB allocation of this thread. The buffers are plain
 * {@code Unpooled.wrappedBuffer}s: leak-aware wrappers (what {@code -Dio.netty.leakDetection.level=paranoid}
 * puts around allocator buffers) record a stack trace per access and would allocate themselves.
 */
class DecodeAllocationTest {
    private static final int WARM_UP_ROUNDS = 20_000;
    private static final int MEASURED_DECODES = 100_000;
    /** Slack for one-off JVM activity on this thread (class init, a lazily resolved call site). */
    private static final long BOUND_BYTES = 1024;

    @Test
    void decodingFullVxlanPacketsAllocatesNothing() {
        AllocationMeter meter = new AllocationMeter();

        List<ByteBuf> packets = new ArrayList<>();
        for (String name : Captures.COMPLETE) {
            byte[] bytes = Captures.bytes(name);
            packets.add(Unpooled.wrappedBuffer(bytes));
            packets.add(Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()));
        }
        packets.add(Captures.buffer("tcp-data-partial-checksum")); // fails at the outer UDP checksum
        ByteBuf[] all = packets.toArray(new ByteBuf[0]);
        VxlanPacketDecoder decoder = new VxlanPacketDecoder();

        long warmUp = decodeAll(decoder, all, WARM_UP_ROUNDS * all.length);
        long allocated = Long.MAX_VALUE;
        long result = 0;
        // Three attempts, keep the best: a GC or safepoint cannot add bytes, but a late JIT
        // deoptimisation could resolve something once; an allocating decoder fails all three.
        for (int attempt = 0; attempt < 3 && allocated >= BOUND_BYTES; attempt++) {
            long before = meter.allocatedBytes();
            result = decodeAll(decoder, all, MEASURED_DECODES);
            allocated = Math.min(allocated, meter.allocatedBytes() - before);
        }
        assertThat(allocated).as("bytes allocated by %d decodes", MEASURED_DECODES).isLessThan(BOUND_BYTES);
        assertThat(result).as("the loop did real work").isEqualTo(expectedChecksum(warmUp, all));
    }

    /** Decodes {@code count} packets round-robin and folds fields of every layer into a result. */
    private static long decodeAll(VxlanPacketDecoder decoder, ByteBuf[] packets, int count) {
        long acc = 0;
        for (int i = 0; i < count; i++) {
            ByteBuf packet = packets[i % packets.length];
            Malformed m = decoder.decodeUnderlayFrame(packet, 0, packet.capacity());
            acc += m.ordinal() + decoder.failedLayer().ordinal();
            if (m == Malformed.NONE) {
                acc += decoder.vni() + decoder.outerUdp().sourcePort() + decoder.innerEthernet().source();
                if (decoder.has(Layer.INNER_IPV4)) {
                    acc += decoder.innerIpv4().destination()
                            + InternetChecksum.pseudoHeaderSumIpv4(packet, decoder.innerIpv4().offset(), 6, 20);
                }
                if (decoder.has(Layer.INNER_TCP)) {
                    acc += decoder.tcp().destinationPort() + decoder.tcp().mss() + decoder.tcp().sequenceNumber();
                }
                if (decoder.has(Layer.INNER_ARP)) {
                    acc += decoder.arp().targetProtocolAddress();
                }
                if (decoder.has(Layer.INNER_IPV6)) {
                    acc += decoder.innerIpv6().flowLabel();
                }
            }
        }
        return acc;
    }

    /** The result of a measured loop, recomputed from a warm-up run of a multiple of the packet count. */
    private static long expectedChecksum(long warmUpResult, ByteBuf[] packets) {
        long perRound = warmUpResult / WARM_UP_ROUNDS;
        long full = MEASURED_DECODES / packets.length;
        long rest = decodeAll(new VxlanPacketDecoder(), packets, MEASURED_DECODES % packets.length);
        return perRound * full + rest;
    }
}
