package io.trellis.dataplane.secure;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.trellis.dataplane.switching.SwitchContext;
import io.trellis.dataplane.switching.VirtualSwitch;
import io.trellis.dataplane.switching.VtepCounters;
import io.trellis.ipsec.esp.EspCounters;
import io.trellis.ipsec.esp.EspInbound;
import io.trellis.ipsec.esp.InboundResult;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.vxlan.VxlanFlyweight;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Event-loop side of the ESP socket: every datagram (with UDP GRO, Netty hands each segment of a
 * batch over on its own) is verified and decrypted in place (RFC 4303 §3.4), checked to be a VXLAN
 * datagram of a network its SA belongs to, and only then given to the switch's VXLAN decoder.
 * Netty releases the packet after {@link #channelRead0} returns.
 */
final class EspReceiver extends SimpleChannelInboundHandler<DatagramPacket> {
    private final AtomicReference<VirtualSwitch> target;
    private final EspKeys keys;
    private final EspInbound inbound;
    private final EspVtepCounters drops;
    private final VtepCounters vxlanDrops;
    private final SwitchContext ctx = new SwitchContext();

    EspReceiver(AtomicReference<VirtualSwitch> target, EspKeys keys, EspCounters counters, EspVtepCounters drops, VtepCounters vxlanDrops) {
        this.target = target;
        this.keys = keys;
        // One event-loop thread: one EspInbound. It opens direct packets in a scratch array and copies
        // the plaintext back: leaving it in the heap array measured slower, as the TCP coalescer's
        // checksums run on direct memory and fall back to a byte-wise loop on heap buffers.
        this.inbound = new EspInbound(keys, counters);
        this.drops = drops;
        this.vxlanDrops = vxlanDrops;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext c, DatagramPacket packet) {
        VirtualSwitch sw = target.get();
        if (sw == null) {
            return;
        }
        ByteBuf buf = packet.content();
        // The sender's address only matters for an unknown SPI (a peer's new SA): which peer to derive for.
        if (inbound.decrypt(buf, buf.readerIndex(), buf.readableBytes(), packet.sender().getAddress()) != InboundResult.OK) {
            return; // counted by EspCounters, by reason
        }
        if (inbound.nextHeader() != IpProtocol.UDP_NUMBER) {
            drops.notUdp.increment();
            return;
        }
        int udp = inbound.payloadOffset();
        int length = inbound.payloadLength();
        if (!InnerUdp.valid(buf, udp, length)) {
            drops.innerMalformed.increment();
            return;
        }
        int vxlan = udp + InnerUdp.LENGTH;
        if (!keys.owns(buf.getUnsignedMedium(vxlan + VxlanFlyweight.VNI_OFFSET), inbound.securityAssociation())) {
            drops.wrongNetwork.increment();
            return;
        }
        sw.fromVtep(ctx, buf, vxlan, length - InnerUdp.LENGTH, vxlanDrops);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext c) {
        VirtualSwitch sw = target.get();
        if (sw != null) {
            sw.flushReceived(); // coalesced TCP segments go to their TAPs once per read batch
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        // ICMP port unreachable from a peer surfaces as an exception on some transports: not fatal.
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
        ctx.close();
    }
}
