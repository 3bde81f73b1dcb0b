package io.trellis.dataplane.lb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.dataplane.DropReason;
import io.trellis.vxlan.icmp.IcmpFlyweight;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.tcp.TcpFlyweight;
import io.trellis.vxlan.udp.UdpFlyweight;
import java.nio.ByteBuffer;

/**
 * One packet thread's scratch for {@link VipNat}: flyweights, the flow key, room for an RST, and
 * the outcome of the last call. Each thread that calls the switch owns one (in its switch context).
 */
public final class VipContext {
    final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    final TcpFlyweight tcp = new TcpFlyweight();
    final UdpFlyweight udp = new UdpFlyweight();
    final IcmpFlyweight icmp = new IcmpFlyweight();
    final FlowKey key = new FlowKey();
    /** Wrapped, not pooled: written per refused segment and never released, like the switch's scratch. */
    private final ByteBuf reply = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(TcpReset.LENGTH));
    long backendMac;
    DropReason drop;
    int replyLength;

    void clear() {
        backendMac = 0;
        drop = null;
        replyLength = 0;
    }

    /**
     * After a forwarded packet: the MAC of the backend it now goes to (already written as its
     * destination); for a hairpin backend's reply, the MAC of that task, which is the flow's client too.
     */
    public long backendMac() {
        return backendMac;
    }

    /** After a refused packet: why. */
    public DropReason drop() {
        return drop;
    }

    /** After a refused TCP segment: the RST for the client, at 0 in {@link #reply()}, or 0 if none. */
    public int replyLength() {
        return replyLength;
    }

    public ByteBuf reply() {
        return reply;
    }
}
