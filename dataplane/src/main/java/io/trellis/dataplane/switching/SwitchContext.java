package io.trellis.dataplane.switching;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.trellis.vxlan.arp.ArpFlyweight;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.vxlan.VxlanFlyweight;

/**
 * One packet thread's reusable scratch state: flyweights and a buffer for generated replies. Each
 * thread that calls the switch owns one, so the hot path allocates nothing and shares nothing.
 */
public final class SwitchContext implements AutoCloseable {
    /** Room for an ICMP error: Ethernet + IPv4 + the largest RFC 1812 quote, with headroom for VXLAN. */
    static final int SCRATCH_SIZE = 1024;

    final EthernetFlyweight ethernet = new EthernetFlyweight();
    final ArpFlyweight arp = new ArpFlyweight();
    final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    final VxlanFlyweight vxlan = new VxlanFlyweight();
    final ByteBuf scratch = PooledByteBufAllocator.DEFAULT.directBuffer(SCRATCH_SIZE, SCRATCH_SIZE);

    @Override
    public void close() {
        scratch.release();
    }
}
