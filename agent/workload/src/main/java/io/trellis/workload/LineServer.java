package io.trellis.workload;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A line service on Netty: each request is one ASCII line, each answer one line. Netty's line decoder
 * frames the input (a line longer than {@link #MAX_LINE} closes the connection); every answer is computed
 * on one thread of its own, in the order the lines came, so a service needs no locks and may write to disk
 * without stalling the event loop.
 */
final class LineServer implements Workload {
    static final int MAX_LINE = 256;
    private static final Duration IDLE_LIMIT = Duration.ofMinutes(5);

    private final EventLoopGroup loops;
    private final ExecutorService serviceThread;
    private final Channel listener;

    private LineServer(EventLoopGroup loops, ExecutorService serviceThread, Channel listener) {
        this.loops = loops;
        this.serviceThread = serviceThread;
        this.listener = listener;
    }

    /** Serves {@code service}'s answer (without the newline) to each line (without it). */
    static LineServer start(InetSocketAddress address, String name, UnaryOperator<String> service)
            throws IOException {
        ServerTransport transport = ServerTransport.auto();
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true),
                transport.ioHandlerFactory());
        ExecutorService serviceThread = Executors.newSingleThreadExecutor(
                new DefaultThreadFactory(name + "-service", true));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(
                                new ReadTimeoutHandler(IDLE_LIMIT.toMillis(), TimeUnit.MILLISECONDS),
                                new LineBasedFrameDecoder(MAX_LINE),
                                new StringDecoder(StandardCharsets.US_ASCII),
                                new StringEncoder(StandardCharsets.US_ASCII),
                                new Answering(serviceThread, service));
                    }
                });
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            serviceThread.shutdownNow();
            loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            Throwable cause = bound.cause();
            throw cause instanceof IOException io ? io
                    : new IOException("cannot listen on " + Workload.format(address) + ": " + cause, cause);
        }
        return new LineServer(loops, serviceThread, bound.channel());
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        // An answer being computed (a store's write) ends before the process does; lines not begun are dropped.
        serviceThread.shutdown();
        try {
            serviceThread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        serviceThread.shutdownNow();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private static final class Answering extends SimpleChannelInboundHandler<String> {
        private final ExecutorService serviceThread;
        private final UnaryOperator<String> service;

        Answering(ExecutorService serviceThread, UnaryOperator<String> service) {
            this.serviceThread = serviceThread;
            this.service = service;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            try {
                serviceThread.execute(() -> ctx.writeAndFlush(service.apply(line.strip()) + "\n"));
            } catch (RejectedExecutionException e) {
                // The server is stopping.
                ctx.close();
            }
        }

        /** A line too long, a reset, an idle client: that connection's trouble, ended without a log line. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
