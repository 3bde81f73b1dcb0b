package io.trellis.dataplane.secure;

import io.trellis.dataplane.vtep.RemoteAddresses;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.UnixChannel;
import io.trellis.dataplane.offload.DatagramRun;
import io.trellis.dataplane.offload.GatherRun;
import io.trellis.dataplane.switching.VirtualSwitch;
import io.trellis.dataplane.switching.VtepCounters;
import io.trellis.dataplane.switching.VtepSink;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.dataplane.vtep.VtepSocket;
import io.trellis.ipsec.esp.EspCounters;
import io.trellis.ipsec.esp.SecurityAssociation;
import io.trellis.ipvs.NativeException;
import io.trellis.ipvs.udp.UdpGsoSender;
import io.trellis.vxlan.vxlan.VxlanFlyweight;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The VTEP of encrypted networks: one UDP socket on the ESP port (RFC 3948, default 4500), separate
 * from the plain VXLAN port so that plain and encrypted traffic never share a port and nothing in
 * clear is ever accepted for an encrypted network (docs/encryption.md §1).
 *
 * <p>As a {@link VtepSink} it encrypts what the switch sends: the VNI in the VXLAN header and the
 * remote VTEP select the SA ({@link EspKeys#outbound}); a datagram without one is dropped and
 * counted, never sent in clear. TSO runs are sealed datagram by datagram into one buffer at a grown,
 * equal stride and leave as UDP GSO sends, on the calling thread, straight from that buffer.
 * Received datagrams are decrypted on the event loop by {@link EspReceiver} before the switch
 * decodes them.
 */
public final class EspVtep implements VtepSink, AutoCloseable {
    /** RFC 3948 §2: UDP-encapsulated ESP; configurable because an IKE daemon may own it. */
    public static final int PORT_DEFAULT = 4500;

    private final VtepSocket socket;
    private final Channel channel;
    private final int port;
    private final RemoteAddresses remotes;
    private final Transport transport;
    private final EspKeys keys;
    private final boolean udpSegmentation;
    private final EspCounters counters;
    private final EspVtepCounters drops;
    private final VtepCounters vxlanDrops;
    /** Per sending thread: its sealer and a native GSO sender on the channel's fd (null on NIO). */
    private final ThreadLocal<Sender> senders = ThreadLocal.withInitial(this::newSender);
    private final AtomicReference<VirtualSwitch> target;
    /** Writes still in Netty's queue: while there are any, no thread takes the direct path (see transmit). */
    private final AtomicInteger queued = new AtomicInteger();
    private final ChannelFutureListener dequeued = f -> queued.decrementAndGet();

    private EspVtep(VtepSocket socket, int port, Transport transport, EspKeys keys,
                    boolean udpSegmentation, EspCounters counters, EspVtepCounters drops, VtepCounters vxlanDrops,
                    AtomicReference<VirtualSwitch> target) {
        this.counters = counters;
        this.drops = drops;
        this.vxlanDrops = vxlanDrops;
        this.target = target;
        this.socket = socket;
        this.channel = socket.channel();
        this.port = port;
        this.remotes = new RemoteAddresses(port);
        this.transport = transport;
        this.keys = keys;
        this.udpSegmentation = udpSegmentation;
    }

    /**
     * Binds {@code local:port}; received traffic reaches the switch once {@link #attach} named it.
     * With {@code udpGso} runs leave as UDP_SEGMENT sends; with {@code udpGro} (epoll only) the kernel
     * hands over runs of datagrams per read.
     */
    public static EspVtep bind(Transport transport, InetAddress local, int port, EspKeys keys, boolean udpGso,
                               boolean udpGro) throws IOException {
        EspCounters counters = new EspCounters();
        EspVtepCounters drops = new EspVtepCounters();
        VtepCounters vxlanDrops = new VtepCounters();
        AtomicReference<VirtualSwitch> target = new AtomicReference<>();
        VtepSocket socket = VtepSocket.bind(transport, local, port,
                new EspReceiver(target, keys, counters, drops, vxlanDrops), udpGro, "the ESP socket");
        return new EspVtep(socket, port, transport, keys, udpGso && transport.supportsUdpSegmentation(),
                counters, drops, vxlanDrops, target);
    }

    /** Received traffic goes to {@code sw} from now on (late binding: the switch needs this sink first). */
    public void attach(VirtualSwitch sw) {
        target.set(sw);
    }

    @Override
    public boolean send(ByteBuf buf, int offset, int length, int remoteVtep) {
        SecurityAssociation sa = outbound(buf, offset, remoteVtep);
        if (sa == null) {
            return false;
        }
        Sender s = senders.get();
        int n = s.sealer.seal(sa, buf, offset, length);
        return n >= 0 && transmit(s, 0, n, n, remoteVtep);
    }

    /** Every datagram of the run becomes its own ESP packet (own sequence number); the run keeps one stride. */
    @Override
    public boolean sendRun(DatagramRun run, int remoteVtep) {
        if (run.count() == 1) {
            return send(run.buffer(), run.offset(), run.lastLength(), remoteVtep);
        }
        SecurityAssociation sa = outbound(run.buffer(), run.offset(), remoteVtep);
        if (sa == null) {
            return false;
        }
        Sender s = senders.get();
        return transmitRun(s, run.count(), s.sealer.sealRun(sa, run), remoteVtep);
    }

    /** A gathered TSO run: sealed from its header and payload slices, saving the copy into one buffer. */
    @Override
    public boolean sendGather(GatherRun run, int remoteVtep) {
        if (run.count() == 1) {
            return sendRun(run.contiguous(), remoteVtep);
        }
        SecurityAssociation sa = outbound(run.headerBuffer(), run.headerOffset(0), remoteVtep);
        if (sa == null) {
            return false;
        }
        Sender s = senders.get();
        return transmitRun(s, run.count(), s.sealer.sealGather(sa, run), remoteVtep);
    }

    /** Sends the {@code count} packets the sealer left at one stride, as UDP GSO sends. */
    private boolean transmitRun(Sender s, int count, int total, int remoteVtep) {
        if (total < 0) {
            return false;
        }
        int stride = s.sealer.stride();
        // include/linux/udp.h UDP_MAX_SEGMENTS and the 64 KB datagram limit bound one send.
        int perSend = udpSegmentation ? Math.max(1, Math.min(DatagramRun.MAX_SEGMENTS_PER_SEND,
                DatagramRun.MAX_SEND_BYTES / stride)) : 1;
        boolean all = true;
        for (int first = 0; first < count; first += perSend) {
            int offset = first * stride;
            int length = Math.min(total - offset, perSend * stride);
            all &= transmit(s, offset, length, stride, remoteVtep);
        }
        return all;
    }

    private SecurityAssociation outbound(ByteBuf buf, int vxlanOffset, int remoteVtep) {
        SecurityAssociation sa = keys.outbound(buf.getUnsignedMedium(vxlanOffset + VxlanFlyweight.VNI_OFFSET), remoteVtep);
        if (sa == null) {
            drops.noKey.increment();
        }
        return sa;
    }

    /**
     * Sends {@code length} bytes of the sender's output from {@code offset}, cut into datagrams of
     * {@code segment} bytes: on this thread with one {@code sendmsg}, or through Netty's queue when the
     * socket buffer is full or the transport has no fd (NIO).
     *
     * <p>Order matters here as it does not for plain VXLAN: once a datagram waits in the queue, later
     * ones must not overtake it, or a burst of them would push its sequence number out of the
     * receiver's 2048-packet window (RFC 4303 §3.4.3: TOO_OLD). So while any writes are queued, every
     * thread queues too (threads of one network share SAs); when the queue is over Netty's high-water
     * mark, the datagram is dropped (a full transmit queue, as a NIC's), and TCP retransmits.
     */
    private boolean transmit(Sender s, int offset, int length, int segment, int remoteVtep) {
        if (!channel.isActive()) {
            drops.sendFailed.increment();
            return false;
        }
        ByteBuf out = s.sealer.output();
        if (s.direct != null && queued.get() == 0) {
            try {
                if (s.direct.send(out.memoryAddress() + offset, length, remoteVtep, port, segment)) {
                    return true;
                }
            } catch (NativeException e) {
                drops.sendFailed.increment();
                return false;
            }
        }
        if (!channel.isWritable()) {
            drops.queueFull.increment();
            return false;
        }
        InetSocketAddress to = remotes.of(remoteVtep);
        ByteBuf copy = channel.alloc().directBuffer(length, length);
        copy.writeBytes(out, offset, length);
        Object message = segment < length ? transport.segmented(copy, segment, to) : new DatagramPacket(copy, to);
        queued.incrementAndGet();
        channel.write(message).addListener(dequeued);
        if (s.direct != null) {
            channel.flush(); // the direct path resumes only once these are out: do not wait for the batch end
        }
        return true;
    }

    /** Sends what the queued path wrote; the TAP readers call it once per batch. */
    public void flush() {
        channel.flush();
    }

    private Sender newSender() {
        UdpGsoSender direct = channel instanceof UnixChannel u ? new UdpGsoSender(u.fd().intValue()) : null;
        return new Sender(new EspSealer(counters), direct);
    }

    /** One sending thread's state. */
    private record Sender(EspSealer sealer, UdpGsoSender direct) {
    }

    public EspKeys keys() {
        return keys;
    }

    /** Packets and bytes encrypted and decrypted, inbound drops by {@link io.trellis.ipsec.esp.InboundResult}. */
    public EspCounters counters() {
        return counters;
    }

    /** Drops after authentication and sends without an SA. */
    public EspVtepCounters drops() {
        return drops;
    }

    /** Decrypted datagrams the VXLAN decoder refused (malformed, unknown VNI). */
    public VtepCounters vxlanCounters() {
        return vxlanDrops;
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
}
