package io.trellis.workload;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The http workload: HTTP/1.1 with keep-alive on Netty, one event loop per core on the best
 * transport here. Each connection may begin with a PROXY protocol header ({@link ProxyHeaderDetector});
 * every request gets a {@link WhoamiReply} ({@link WhoamiHandler}). The voting app's pages serve their
 * own handler on the same server ({@link #serve}).
 *
 * <p>{@link #close} stops gracefully within {@link #STOP_LIMIT}: it stops accepting, closes idle
 * connections, lets requests already begun be answered ({@code Connection: close}), then cuts what
 * is left.
 */
final class WhoamiHttpServer implements Workload {
    static final Duration STOP_LIMIT = Duration.ofSeconds(5);
    /** Of the stop's time, the part kept for cutting slow connections and ending the event loops. */
    private static final int CUT_RESERVE_PERCENT = 20;
    private static final int BACKLOG = 1024;
    private static final int MAX_REQUEST_LINE = 4096;
    private static final int MAX_HEADER_BYTES = 8192;
    /** The body is read and ignored; a larger one is answered 413. */
    private static final int MAX_BODY_BYTES = 64 * 1024;
    /** Like nginx's keepalive_timeout: a connection that sends nothing for this long is closed. */
    private static final Duration IDLE_LIMIT = Duration.ofSeconds(60);

    private final EventLoopGroup loops;
    private final Channel listener;
    private final ChannelGroup connections;
    /** Set once, when {@link #close} begins; every connection reads it. */
    private final AtomicBoolean stopping;
    private final Duration stopLimit;

    private WhoamiHttpServer(EventLoopGroup loops, Channel listener, ChannelGroup connections, AtomicBoolean stopping,
                             Duration stopLimit) {
        this.loops = loops;
        this.listener = listener;
        this.connections = connections;
        this.stopping = stopping;
        this.stopLimit = stopLimit;
    }

    static WhoamiHttpServer start(InetSocketAddress address, WorkloadIdentity identity) throws IOException {
        return start(address, identity, ServerTransport.auto(), STOP_LIMIT);
    }

    /** As {@link #start(InetSocketAddress, WorkloadIdentity)}, on {@code transport}, stopping within {@code stopLimit}. */
    static WhoamiHttpServer start(InetSocketAddress address, WorkloadIdentity identity, ServerTransport transport,
                                  Duration stopLimit) throws IOException {
        return start(address, transport, stopLimit, "whoami", () -> new WhoamiHandler(identity));
    }

    /** Serves a new {@code handler} per connection, with the same limits, PROXY headers and graceful stop. */
    static WhoamiHttpServer serve(InetSocketAddress address, String name, Supplier<ChannelHandler> handler)
            throws IOException {
        return start(address, ServerTransport.auto(), STOP_LIMIT, name, handler);
    }

    private static WhoamiHttpServer start(InetSocketAddress address, ServerTransport transport, Duration stopLimit,
                                          String name, Supplier<ChannelHandler> handler) throws IOException {
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory(name, true), transport.ioHandlerFactory());
        ChannelGroup connections = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
        AtomicBoolean stopping = new AtomicBoolean();
        HttpDecoderConfig limits = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(MAX_HEADER_BYTES);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                // A restarted task binds again while its old connections wait in TIME_WAIT.
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(
                                new ReadTimeoutHandler(IDLE_LIMIT.toMillis(), TimeUnit.MILLISECONDS),
                                new ProxyHeaderDetector(),
                                new HttpServerCodec(limits),
                                new DrainingConnection(stopping::get),
                                new HttpObjectAggregator(MAX_BODY_BYTES),
                                handler.get());
                    }
                });
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            Throwable cause = bound.cause();
            throw cause instanceof IOException io ? io
                    : new IOException("cannot listen on " + Workload.format(address) + ": " + cause, cause);
        }
        return new WhoamiHttpServer(loops, bound.channel(), connections, stopping, stopLimit);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + stopLimit.toNanos();
        listener.close().awaitUninterruptibly(millisUntil(deadline));
        // A connection accepted just before is registered by a task already queued on its loop: run those first.
        for (EventExecutor loop : loops) {
            loop.submit(() -> { }).awaitUninterruptibly(millisUntil(deadline));
        }
        ChannelGroupFuture drained = connections.newCloseFuture();
        for (Channel connection : connections) {
            connection.pipeline().fireUserEventTriggered(DrainingConnection.STOP);
        }
        drained.awaitUninterruptibly(millisUntil(deadline) - stopLimit.toMillis() * CUT_RESERVE_PERCENT / 100);
        connections.close().awaitUninterruptibly(millisUntil(deadline) / 2);
        loops.shutdownGracefully(0, millisUntil(deadline), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(millisUntil(deadline));
    }

    private static long millisUntil(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }
}
