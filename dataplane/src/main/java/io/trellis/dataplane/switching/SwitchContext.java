package io.trellis.dataplane.switching;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.trellis.dataplane.offload.DatagramRun;
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
    final ByteBuf scratch = PooledByteBufAllocator.DEFAULT.directBuffer(SCRATCH_SIZE, SCRATCH_SIZE);
    /** Largest VXLAN datagram on a 1500-byte IPv4 underlay: 1500 − 20 (IPv4) − 8 (UDP). */
    public static final int MAX_DATAGRAM_DEFAULT = 1472;
    final VirtioNetHeader vnet = new VirtioNetHeader();
    final TcpSegmenter segmenter;
    final DatagramRun run = new DatagramRun();
    /** Output of the segmenter: 2 × 64 KB holds any TSO frame cut at an MSS of 146 bytes or more. */
    final ByteBuf runBuffer;
    private static final int RUN_BUFFER = 2 * 65_536;

    public SwitchContext() {
        this(MAX_DATAGRAM_DEFAULT);
    }

    public SwitchContext(int maxDatagramLength) {
        this.segmenter = new TcpSegmenter(maxDatagramLength);
        // Wrapped, not pooled: segment output is written on every packet and must not be leak-tracked.
        this.runBuffer = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(RUN_BUFFER));
    }

    @Override
    public void close() {
        scratch.release();
    }
}
