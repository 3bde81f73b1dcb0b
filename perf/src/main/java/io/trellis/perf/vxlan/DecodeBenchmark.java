package io.trellis.perf.vxlan;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.Malformed;
import io.trellis.vxlan.packet.VxlanPacketDecoder;
import io.trellis.vxlan.packet.VxlanPacketDecoder.Layer;
import io.trellis.vxlan.ipv4.Ipv4Address;
import io.trellis.vxlan.vxlan.VxlanFlyweight;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link VxlanPacketDecoder}, every layer: a real captured underlay frame (outer Ethernet to inner
 * TCP, every checksum verified), and a full-size 1400-byte inner frame as the VTEP socket delivers
 * it, with and without inner checksum verification — the difference is the price of summing 1.4 KB.
 * Must show 0 B/op under {@code -prof gc}: the decoder is a set of reused flyweights.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecodeBenchmark {
    static final int FRAME_LENGTH = 1400;

    private final VxlanPacketDecoder verifying = new VxlanPacketDecoder();
    private final VxlanPacketDecoder headersOnly = new VxlanPacketDecoder(VxlanFlyweight.UDP_PORT, true, false);
    private ByteBuf captured;
    private int capturedLength;
    private ByteBuf datagram;
    private int datagramLength;

    @Setup
    public void setUp() {
        captured = Packets.fromHex(Packets.CAPTURED_TCP_DATA_HEX);
        capturedLength = captured.capacity();
        datagram = Packets.vxlanDatagram(42, FRAME_LENGTH, 0x02_42_c6_33_64_02L, 0x02_42_c6_33_64_01L,
                Ipv4Address.parse("198.51.100.1"), Ipv4Address.parse("198.51.100.2"));
        datagramLength = datagram.capacity();
        // A benchmark that silently measured an early rejection would be worse than none.
        expectTcp(verifying.decodeUnderlayFrame(captured, 0, capturedLength), verifying, "captured frame");
        expectTcp(verifying.decodeDatagram(datagram, 0, datagramLength), verifying, "1400-byte datagram");
        expectTcp(headersOnly.decodeDatagram(datagram, 0, datagramLength), headersOnly, "1400-byte datagram");
    }

    private static void expectTcp(Malformed m, VxlanPacketDecoder d, String what) {
        if (m != Malformed.NONE || !d.has(Layer.INNER_TCP)) {
            throw new IllegalStateException(what + " did not decode to inner TCP: " + m + " at " + d.failedLayer());
        }
    }

    /** Outer Ethernet → IPv4 → UDP (checksum) → VXLAN → inner Ethernet → IPv4 → TCP (checksum); 134 bytes. */
    @Benchmark
    public Malformed capturedUnderlayFrame() {
        return verifying.decodeUnderlayFrame(captured, 0, capturedLength);
    }

    /** VXLAN → inner Ethernet → IPv4 → TCP with its checksum verified over 1386 bytes. */
    @Benchmark
    public Malformed datagram1400() {
        return verifying.decodeDatagram(datagram, 0, datagramLength);
    }

    /** The same datagram, inner TCP checksum not verified (as a path that forwards partial checksums would). */
    @Benchmark
    public Malformed datagram1400HeadersOnly() {
        return headersOnly.decodeDatagram(datagram, 0, datagramLength);
    }
}
