package io.trellis.perf.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.dataplane.offload.DatagramRun;
import io.trellis.dataplane.offload.GatherRun;
import io.trellis.dataplane.offload.TcpSegmenter;
import io.trellis.ipvs.tun.VirtioNetHeader;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ethernet.EthernetEncoder;
import io.trellis.vxlan.ipv4.Ipv4Address;
import io.trellis.vxlan.ipv4.Ipv4Encoder;
import io.trellis.vxlan.tcp.TcpEncoder;
import io.trellis.vxlan.tcp.TcpFlyweight;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The Java work per TSO frame on the send path: one 64 KB IPv4 TCP frame as the TAP gives it
 * (virtio-net header GSO_TCPV4, gso_size 1398, checksum partial) cut into 47 VXLAN datagrams.
 * <ul>
 *   <li>{@link #copy}: {@code TcpSegmenter.segment}, headers and payload copied into one run
 *       buffer, every TCP checksum summed over the copy;</li>
 *   <li>{@link #gather}: {@code TcpSegmenter.gather}, only the 47 × 74 bytes of headers written,
 *       the checksums summed over the payload where it is; the VTEP's sendmsg gathers the rest.</li>
 * </ul>
 * Both must show 0 B/op; setup fails if either refuses the frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TsoSegmentBenchmark {
    static final int MSS = 1398;
    static final int OFFSET = 12; // after the virtio-net header, as TapPort reads it

    private final TcpSegmenter segmenter = new TcpSegmenter(1472);
    private final VirtioNetHeader vnet = new VirtioNetHeader();
    private ByteBuf frame;
    private int frameLength;
    private final ByteBuf runBuffer = direct(2 * 65_536);
    private final DatagramRun run = new DatagramRun();
    private final ByteBuf headers = direct(16 * 1024);
    private final GatherRun gathered = new GatherRun(runBuffer);

    static ByteBuf direct(int capacity) {
        return Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(capacity));
    }

    @Setup
    public void setUp() {
        int tcpHeader = 32; // with the timestamp option Linux sends
        int payload = 0xFFFF - 20 - tcpHeader;
        frameLength = 14 + 0xFFFF;
        frame = direct(OFFSET + frameLength);
        int e = OFFSET;
        EthernetEncoder.write(frame, e, 0x02_42_0a_00_00_04L, 0x02_42_0a_00_00_02L, EtherType.IPV4_VALUE);
        Ipv4Encoder.write(frame, e + 14, Ipv4Address.parse("10.0.0.2"), Ipv4Address.parse("10.0.0.4"),
                IpProtocol.TCP_NUMBER, tcpHeader + payload, 64, 4242);
        int t = e + 34;
        TcpEncoder.write(frame, t, 40_000, 5201, 1_000_000L, 2_000_000L, TcpFlyweight.FLAG_ACK | TcpFlyweight.FLAG_PSH, 502);
        frame.setShort(t + TcpFlyweight.DATA_OFFSET_OFFSET, (tcpHeader / 4) << 12 | TcpFlyweight.FLAG_ACK | TcpFlyweight.FLAG_PSH);
        frame.setInt(t + 20, 0x0101080A); // NOP NOP TIMESTAMP
        frame.setInt(t + 24, 123_456);
        frame.setInt(t + 28, 654_321);
        byte[] bytes = new byte[payload];
        new Random(1).nextBytes(bytes);
        frame.setBytes(t + tcpHeader, bytes);
        vnet.wrap(ByteBuffer.allocateDirect(VirtioNetHeader.LENGTH), 0).flags(VirtioNetHeader.F_NEEDS_CSUM)
                .gsoType(VirtioNetHeader.GSO_TCPV4).hdrLen(14 + 20 + tcpHeader).gsoSize(MSS)
                .csumStart(34).csumOffset(TcpFlyweight.CHECKSUM_OFFSET);
        if (copy() != 47 || gather() != 47) {
            throw new IllegalStateException("the segmenter refused the 64 KB TSO frame");
        }
    }

    @Benchmark
    public int copy() {
        return segmenter.segment(vnet, frame, OFFSET, frameLength, 42, runBuffer, 0, run).isNone() ? run.count() : -1;
    }

    @Benchmark
    public int gather() {
        return segmenter.gather(vnet, frame, OFFSET, frameLength, 42, headers, 0, gathered).isNone() ? gathered.count() : -1;
    }
}
