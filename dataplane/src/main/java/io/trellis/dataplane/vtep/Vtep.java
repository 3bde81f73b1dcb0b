package io.trellis.dataplane.vtep;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.trellis.dataplane.offload.DatagramRun;
import io.trellis.dataplane.offload.GatherRun;
import io.trellis.ipvs.NativeException;
import io.trellis.ipvs.udp.UdpGsoSender;
import io.trellis.dataplane.switching.SwitchContext;
import io.trellis.dataplane.switching.VirtualSwitch;
import io.trellis.dataplane.switching.VtepCounters;
import io.trellis.dataplane.switching.VtepSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's VXLAN tunnel endpoint: one UDP socket (port 4789 by default) on a Netty event loop for
 * all networks. Received datagrams go to the switch on the event-loop thread with their outer IPv4
 * source, which must be a peer in the switch's tables (anything else is counted in
 * {@link VtepCounters#unknownPeer} and dropped); the switch's encapsulated frames are copied into
 * pooled buffers and written from any thread, flushed per batch.
 */
public final class Vtep implements VtepSink, AutoCloseable {
    public static final int PORT_DEFAULT = 4789;

    private final VtepSocket socket;
    private final Channel channel;
    private final int port;
    private final RemoteAddresses remotes;
    private final Transport transport;
    private final VtepCounters counters = new VtepCounters();
    private final LongAdder sendFailures = new LongAdder();

    /**
     * Set after a write was queued on Netty's path, cleared by {@link #flush}: runs sent straight
     * with sendmsg queue nothing, and a flush from a TAP thread costs a task hand-off and an
     * event-loop wake-up (eventfd) even when there is nothing to flush.
     */
    private volatile boolean queued;

    private final boolean udpSegmentation;
    /** One native sender per TAP thread, on Netty's own socket fd (epoll and io_uring channels). */
    private final ThreadLocal<UdpGsoSender> directSenders = ThreadLocal.withInitial(this::newDirectSender);

    private Vtep(VtepSocket socket, int port, Transport transport, boolean udpSegmentation) {
        this.socket = socket;
        this.channel = socket.channel();
        this.port = port;
        this.remotes = new RemoteAddresses(port);
        this.transport = transport;
        this.udpSegmentation = udpSegmentation;
    }

    /**
     * Binds {@code local:port} and starts delivering what arrives to the switch in {@code sw}. With
     * {@code udpGso} the VTEP sends segmenter runs as UDP_SEGMENT sends; with {@code udpGro} the
     * kernel hands it runs of datagrams per read (epoll only).
     */
    public static Vtep bind(Transport transport, InetAddress local, int port, SwitchRef sw, boolean udpGso,
                            boolean udpGro) throws IOException {
        Vtep[] self = new Vtep[1];
        VtepSocket socket = VtepSocket.bind(transport, local, port, new Receiver(sw, () -> self[0].counters), udpGro,
                "the VTEP");
        self[0] = new Vtep(socket, port, transport, udpGso && transport.supportsUdpSegmentation());
        return self[0];
    }

    /** Late binding of the switch, which needs the VTEP as its sink. */
    public static final class SwitchRef {
        volatile VirtualSwitch target;

        public void set(VirtualSwitch sw) {
            this.target = sw;
        }
    }

    @Override
    public boolean send(ByteBuf buf, int offset, int length, int remoteVtep) {
        if (!channel.isActive()) {
            sendFailures.increment();
            return false;
        }
        ByteBuf copy = channel.alloc().directBuffer(length, length);
        copy.writeBytes(buf, offset, length);
        channel.write(new DatagramPacket(copy, remotes.of(remoteVtep)), channel.voidPromise());
        queued = true;
        return true;
    }

    /**
     * Runs go out on the calling (TAP reader) thread, straight from the segmenter's buffer, one
     * {@code sendmsg(UDP_SEGMENT)} per send: no copy, no hand-off to the event loop. Only when the
     * socket buffer is full does the rest take Netty's queued path.
     */
    @Override
    public boolean sendRun(DatagramRun run, int remoteVtep) {
        if (!udpSegmentation || run.count() == 1) {
            return VtepSink.super.sendRun(run, remoteVtep);
        }
        if (!channel.isActive()) {
            sendFailures.increment();
            return false;
        }
        int first = 0;
        UdpGsoSender direct = directSenders.get();
        if (direct != null) {
            try {
                while (first < run.sendCount() && direct.send(run.buffer().memoryAddress() + run.sendOffset(first),
                        run.sendLength(first), remoteVtep, port, run.stride())) {
                    first++;
                }
            } catch (NativeException e) {
                sendFailures.increment();
                return false;
            }
        }
        InetSocketAddress to = remotes.of(remoteVtep);
        for (int s = first; s < run.sendCount(); s++) {
            int length = run.sendLength(s);
            ByteBuf copy = channel.alloc().directBuffer(length, length);
            copy.writeBytes(run.buffer(), run.sendOffset(s), length);
            // One sendmsg with UDP_SEGMENT = stride: the kernel cuts it into datagrams (Linux 4.18+).
            channel.write(transport.segmented(copy, run.stride(), to), channel.voidPromise());
            queued = true;
        }
        return true;
    }

    /**
     * Like {@link #sendRun}, but each send's iovecs alternate the datagrams' headers and their
     * payload slices in the TSO frame: one {@code sendmsg(UDP_SEGMENT = stride)} per send, and the
     * payload is copied only by the kernel. Only when the socket buffer is full are the remaining
     * sends copied and queued on Netty's path.
     */
    @Override
    public boolean sendGather(GatherRun run, int remoteVtep) {
        UdpGsoSender direct = udpSegmentation ? directSenders.get() : null;
        if (direct == null) {
            return VtepSink.super.sendGather(run, remoteVtep);
        }
        if (!channel.isActive()) {
            sendFailures.increment();
            return false;
        }
        long headers = run.headerBuffer().memoryAddress();
        long payloads = run.payloadBuffer().memoryAddress();
        int headerLength = run.headerLength();
        int s = 0;
        try {
            for (; s < run.sendCount(); s++) {
                int first = run.firstDatagram(s);
                int n = run.datagramsInSend(s);
                for (int k = 0; k < n; k++) {
                    int i = first + k;
                    direct.iovec(2 * k, headers + run.headerOffset(i), headerLength);
                    direct.iovec(2 * k + 1, payloads + run.payloadOffset(i), run.payloadLength(i));
                }
                if (!direct.sendGathered(2 * n, run.sendLength(s), remoteVtep, port, run.stride())) {
                    break;
                }
            }
        } catch (NativeException e) {
            sendFailures.increment();
            return false;
        }
        InetSocketAddress to = s < run.sendCount() ? remotes.of(remoteVtep) : null;
        for (; s < run.sendCount(); s++) {
            int length = run.sendLength(s);
            ByteBuf copy = channel.alloc().directBuffer(length, length);
            copy.writerIndex(run.copyTo(run.firstDatagram(s), run.datagramsInSend(s), copy, 0));
            channel.write(transport.segmented(copy, run.stride(), to), channel.voidPromise());
            queued = true;
        }
        return true;
    }

    private UdpGsoSender newDirectSender() {
        return channel instanceof io.netty.channel.unix.UnixChannel u ? new UdpGsoSender(u.fd().intValue()) : null;
    }

    /** Sends what {@link #send} queued; the TAP readers call it once per batch. */
    public void flush() {
        // A write queued after the check sets the flag again after its task is queued, so the
        // writer's own next flush (or one queued behind its write) sends it.
        if (queued) {
            queued = false;
            channel.flush();
        }
    }

    public VtepCounters counters() {
        return counters;
    }

    public long sendFailures() {
        return sendFailures.sum();
    }

    public Transport transport() {
        return transport;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        socket.close();
    }

    /** Event-loop side: hands each datagram to the switch; Netty releases the packet afterwards. */
    private static final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
        private final SwitchRef sw;
        private final java.util.function.Supplier<VtepCounters> counters;
        private final SwitchContext ctx = new SwitchContext();

        Receiver(SwitchRef sw, java.util.function.Supplier<VtepCounters> counters) {
            this.sw = sw;
            this.counters = counters;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext c, DatagramPacket packet) {
            VirtualSwitch target = sw.target;
            if (target != null) {
                long source = UnderlaySource.ipv4(packet.sender());
                if (source == UnderlaySource.NOT_IPV4) {
                    counters.get().unknownPeer.increment(); // VTEPs are IPv4: no IPv6 sender is a peer
                    return;
                }
                ByteBuf content = packet.content();
                target.fromVtep(ctx, (int) source, content, content.readerIndex(), content.readableBytes(), counters.get());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext c) {
            VirtualSwitch target = sw.target;
            if (target != null) {
                target.flushReceived(); // coalesced TCP segments go to their TAPs once per read batch
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
}
