package io.trellis.dataplane.switching;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.dataplane.lb.VipContext;
import io.trellis.dataplane.offload.DatagramRun;
import io.trellis.dataplane.offload.GatherRun;
import io.trellis.dataplane.offload.TcpSegmenter;
import io.trellis.ipvs.tun.VirtioNetHeader;
import java.nio.ByteBuffer;
import io.trellis.vxlan.arp.ArpFlyweight;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.vxlan.VxlanFlyweight;

/**
 * One packet thread's reusable scratch state: flyweights and a buffer for generated replies. Each
 * thread that calls the switch owns one, so the hot path allocates nothing and shares nothing.
 */
public final class SwitchContext implements AutoCloseable {
    /** Room for an ICMP error: Ethernet + IPv6 + ICMPv6 + the largest RFC 4443 quote (a 1280-byte packet). */
    static final int SCRATCH_SIZE = 1400;

    final EthernetFlyweight ethernet = new EthernetFlyweight();
    final ArpFlyweight arp = new ArpFlyweight();
    final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    final io.trellis.vxlan.ipv6.Ipv6Flyweight ipv6 = new io.trellis.vxlan.ipv6.Ipv6Flyweight();
    final VxlanFlyweight vxlan = new VxlanFlyweight();
    final VipContext vip = new VipContext();
    /** Wrapped, not pooled, as the run buffers: a context that is never closed (a test link's) leaks nothing. */
    final ByteBuf scratch = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(SCRATCH_SIZE));
    /** Largest VXLAN datagram on a 1500-byte IPv4 underlay: 1500 − 20 (IPv4) − 8 (UDP). */
    public static final int MAX_DATAGRAM_DEFAULT = 1472;
    final VirtioNetHeader vnet = new VirtioNetHeader();
    final TcpSegmenter segmenter;
    final DatagramRun run = new DatagramRun();
    /** Output of the segmenter: 2 × 64 KB holds any TSO frame cut at an MSS of 146 bytes or more. */
    final ByteBuf runBuffer;
    private static final int RUN_BUFFER = 2 * 65_536;
    /**
     * Headers of a gathered run: 47 × 74 bytes for a 64 KB frame at MSS 1398, ~9 KB at MSS 536;
     * a frame with more segments than fit is copied by the segmenter instead.
     */
    private static final int GATHER_HEADERS = 16 * 1024;
    /** Per-datagram headers of a run whose payloads stay in the TAP's read buffer. */
    final ByteBuf gatherHeaders;
    /** Falls back to {@link #runBuffer} when the sink cannot gather. */
    final GatherRun gather;

    public SwitchContext() {
        this(MAX_DATAGRAM_DEFAULT);
    }

    public SwitchContext(int maxDatagramLength) {
        this.segmenter = new TcpSegmenter(maxDatagramLength);
        // Wrapped, not pooled: segment output is written on every packet and must not be leak-tracked.
        this.runBuffer = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(RUN_BUFFER));
        this.gatherHeaders = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(GATHER_HEADERS));
        this.gather = new GatherRun(runBuffer);
    }

    @Override
    public void close() {
        scratch.release();
    }
}
