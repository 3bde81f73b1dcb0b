package io.trellis.ingress.proxy;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A published UDP port: each client address:port is a flow pinned to one backend through a socket of its
 * own, on the listener's event loop. Flows end after the idle timeout; beyond the cap new flows are dropped.
 */
public final class UdpProxy implements AutoCloseable {
    /** The largest UDP payload, so that no datagram is ever cut short. */
    private static final int MAX_DATAGRAM = 65_535;
    private static final long MIN_SWEEP_MILLIS = 10;
    private static final long MAX_SWEEP_MILLIS = 1_000;

    private final BackendChooser chooser;
    private final UdpProxyOptions options;
    private final UdpProxyCounters counters = new UdpProxyCounters();
    private final Bootstrap flowTemplate;
    private final ReflectiveChannelFactory<? extends DatagramChannel> flowChannels;
    private final BackendSockets sockets;
    /** Touched only on the listener's event loop. */
    private final Map<InetSocketAddress, UdpFlow> flows = new HashMap<>();
    private final Channel listener;
    private final ScheduledFuture<?> sweeper;

    private UdpProxy(ProxyEventLoops loops, InetSocketAddress listen, BackendChooser chooser, UdpProxyOptions options,
                     BackendSockets sockets) {
        this.chooser = chooser;
        this.options = options;
        this.sockets = sockets;
        this.flowChannels = new ReflectiveChannelFactory<>(loops.datagramChannel());
        FixedRecvByteBufAllocator wholeDatagrams = new FixedRecvByteBufAllocator(MAX_DATAGRAM);
        this.flowTemplate = new Bootstrap()
                .group(loops.group())
                .option(ChannelOption.RECVBUF_ALLOCATOR, wholeDatagrams);
        ChannelFuture bound = new Bootstrap()
                .group(loops.group())
                .channel(loops.datagramChannel())
                .option(ChannelOption.RECVBUF_ALLOCATOR, wholeDatagrams)
                .handler(new ListenerHandler())
                .bind(listen)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("cannot listen on " + listen + "/udp: " + bound.cause().getMessage(),
                    bound.cause());
        }
        this.listener = bound.channel();
        long period = Math.max(MIN_SWEEP_MILLIS, Math.min(MAX_SWEEP_MILLIS, options.flowIdleTimeoutMillis() / 4));
        this.sweeper = listener.eventLoop().scheduleAtFixedRate(this::expireIdleFlows, period, period, MILLISECONDS);
    }

    /** Listens on {@code listen} (port 0 picks one; see {@link #localAddress()}). */
    public static UdpProxy bind(ProxyEventLoops loops, InetSocketAddress listen, BackendChooser chooser,
            UdpProxyOptions options) {
        return new UdpProxy(loops, listen, chooser, options, BackendSockets.HERE);
    }

    /** As {@link #bind(ProxyEventLoops, InetSocketAddress, BackendChooser, UdpProxyOptions)}, flow sockets made by {@code sockets}. */
    public static UdpProxy bind(ProxyEventLoops loops, InetSocketAddress listen, BackendChooser chooser,
            UdpProxyOptions options, BackendSockets sockets) {
        return new UdpProxy(loops, listen, chooser, options, sockets);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    public UdpProxyCounters counters() {
        return counters;
    }

    /** Ends the flows pinned to {@code backend}; their clients' next datagrams choose again. Asynchronous. */
    public void removeBackend(InetSocketAddress backend) {
        listener.eventLoop().execute(() -> {
            List<UdpFlow> pinned = new ArrayList<>();
            for (UdpFlow flow : flows.values()) {
                if (flow.backend().equals(backend)) {
                    pinned.add(flow);
                }
            }
            for (UdpFlow flow : pinned) {
                flows.remove(flow.client());
                counters.activeFlows.decrement();
                flow.close();
            }
        });
    }

    void reply(ByteBuf data, InetSocketAddress client) {
        counters.datagramsFromBackends.increment();
        counters.bytesFromBackends.add(data.readableBytes());
        listener.write(new DatagramPacket(data, client), listener.voidPromise());
    }

    void flushReplies() {
        listener.flush();
    }

    /** A flow's socket closed on its own (connect failure): forget it unless already forgotten. */
    void flowClosed(UdpFlow flow) {
        if (flows.remove(flow.client(), flow)) {
            counters.activeFlows.decrement();
        }
    }

    private void received(DatagramPacket packet) {
        InetSocketAddress sender = packet.sender();
        UdpFlow flow = flows.get(sender);
        if (flow == null) {
            flow = open(sender);
            if (flow == null) {
                packet.release();
                return;
            }
        }
        ByteBuf data = packet.content();
        counters.datagramsFromClients.increment();
        counters.bytesFromClients.add(data.readableBytes());
        flow.send(data);
    }

    private UdpFlow open(InetSocketAddress client) {
        if (flows.size() >= options.maxFlows()) {
            counters.flowsRejected.increment();
            return null;
        }
        InetSocketAddress backend = chooser.choose(client, null);
        if (backend == null) {
            counters.noBackendDrops.increment();
            return null;
        }
        UdpFlow flow = new UdpFlow(this, client, backend);
        flows.put(client, flow);
        counters.flowsCreated.increment();
        counters.activeFlows.increment();
        ChannelFuture registered = flowTemplate.clone(listener.eventLoop()).handler(flow.handler())
                .channelFactory(() -> sockets.create(backend, flowChannels::newChannel)).register();
        flow.start(registered.channel());
        return flow;
    }

    private void expireIdleFlows() {
        long oldest = System.nanoTime() - MILLISECONDS.toNanos(options.flowIdleTimeoutMillis());
        List<UdpFlow> idle = null;
        for (Iterator<UdpFlow> it = flows.values().iterator(); it.hasNext();) {
            UdpFlow flow = it.next();
            if (flow.lastSeenNanos - oldest < 0) {
                it.remove();
                counters.activeFlows.decrement();
                counters.flowsExpired.increment();
                if (idle == null) {
                    idle = new ArrayList<>();
                }
                idle.add(flow);
            }
        }
        if (idle != null) {
            idle.forEach(UdpFlow::close);
        }
    }

    /** Stops listening and ends every flow. */
    @Override
    public void close() {
        sweeper.cancel(false);
        listener.close().syncUninterruptibly();
        listener.eventLoop().submit(() -> {
            List<UdpFlow> open = new ArrayList<>(flows.values());
            flows.clear();
            counters.activeFlows.add(-open.size());
            open.forEach(UdpFlow::close);
        }).awaitUninterruptibly(2_000);
    }

    private final class ListenerHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received((DatagramPacket) msg);
        }
    }
}
