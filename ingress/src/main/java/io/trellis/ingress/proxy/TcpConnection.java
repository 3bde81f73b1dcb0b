package io.trellis.ingress.proxy;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;

/**
 * One proxied connection: the client channel and its backend channel, both on the client's event loop, so
 * nothing here needs a lock. Every method runs on that loop.
 */
final class TcpConnection {
    private final TcpProxy proxy;
    private final TcpProxyCounters counters;
    private final SocketChannel client;
    private final long idleTimeoutNanos;
    private final Runnable idleCheck = this::checkIdle;
    /** When a side last delivered bytes: the idle timeout counts from here. */
    private long lastReadNanos;
    private ScheduledFuture<?> idleTimer;
    private SocketChannel backend;
    private InetSocketAddress backendAddress;
    private boolean clientInputDone;
    private boolean backendInputDone;
    private int outputsShut;
    private long connectStartNanos;
    private boolean closing;
    /** Client bytes read before the backend is up (epoll reads on a FIN even with auto-read off). */
    private ArrayDeque<Object> early;
    private boolean earlyFin;

    TcpConnection(TcpProxy proxy, SocketChannel client) {
        this.proxy = proxy;
        this.counters = proxy.counters();
        this.client = client;
        this.idleTimeoutNanos = proxy.options().idleTimeoutMillis() * 1_000_000L;
    }

    /** Called while the accepted channel is registered; the client is not read until its backend is up. */
    void attach() {
        counters.accepted.increment();
        counters.active.increment();
        client.pipeline().addLast(new Side(true));
        client.closeFuture().addListener(f -> clientClosed());
    }

    SocketChannel client() {
        return client;
    }

    /**
     * Idle means no bytes read from either side, since every byte written is one read from the other side.
     * One timer per connection, re-armed only when it fires: a read costs a clock read, where Netty's
     * IdleStateHandler (which watches writes to the client too) costs a promise and a listener per write.
     */
    private void startIdleTimer() {
        lastReadNanos = System.nanoTime();
        idleTimer = client.eventLoop().schedule(idleCheck, idleTimeoutNanos, NANOSECONDS);
    }

    private void checkIdle() {
        if (closing) {
            return;
        }
        long left = idleTimeoutNanos - (System.nanoTime() - lastReadNanos);
        if (left <= 0) {
            idle();
        } else {
            idleTimer = client.eventLoop().schedule(idleCheck, left, NANOSECONDS);
        }
    }

    private void connect(InetSocketAddress excluded) {
        InetSocketAddress target = proxy.chooser().choose(client.remoteAddress(), excluded);
        if (target == null || target.equals(excluded)) {
            // A retry without another backend already counted its own failure.
            if (excluded == null) {
                counters.connectFailed(ConnectFailure.NO_BACKEND);
            }
            resetBoth();
            return;
        }
        Side side = new Side(false);
        Bootstrap bootstrap = proxy.backendBootstrap(client.eventLoop(), target);
        if (proxy.options().proxyProtocol() == ProxyProtocol.NONE) {
            bootstrap.handler(side);
        } else {
            bootstrap.handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(HAProxyMessageEncoder.INSTANCE, side);
                }
            });
        }
        connectStartNanos = System.nanoTime();
        ChannelFuture future = bootstrap.connect(target);
        backend = (SocketChannel) future.channel();
        future.addListener(f -> connected(future, target, excluded));
    }

    private void connected(ChannelFuture future, InetSocketAddress target, InetSocketAddress excluded) {
        if (closing) {
            future.channel().close();
            return;
        }
        if (!future.isSuccess()) {
            counters.connectFailed(ConnectFailure.of(future.cause()));
            backend = null;
            if (excluded == null) {
                connect(target);
            } else {
                resetBoth();
            }
            return;
        }
        backendAddress = target;
        counters.connected(System.nanoTime() - connectStartNanos);
        proxy.register(target, this);
        proxy.chooser().opened(target);
        HAProxyMessage header = proxy.options().proxyProtocol().header(client.remoteAddress(), client.localAddress());
        if (header != null) {
            backend.writeAndFlush(header, backend.voidPromise());
            backend.pipeline().remove(HAProxyMessageEncoder.class);
        }
        if (early != null) {
            for (Object msg = early.poll(); msg != null; msg = early.poll()) {
                relay(client, true, msg);
            }
            early = null;
            backend.flush();
        }
        backend.config().setAutoRead(true);
        if (earlyFin) {
            inputShutdown(true);
        } else {
            client.config().setAutoRead(true);
        }
    }

    private boolean backendUp() {
        return backendAddress != null;
    }

    private void relay(Channel from, boolean fromClient, Object msg) {
        if (fromClient && !backendUp() && !closing) {
            if (early == null) {
                early = new ArrayDeque<>();
            }
            early.add(msg);
            return;
        }
        Channel to = fromClient ? backend : client;
        if (to == null || !to.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf) {
            (fromClient ? counters.bytesFromClients : counters.bytesFromBackends).add(((ByteBuf) msg).readableBytes());
        }
        to.write(msg, to.voidPromise());
        ChannelOutboundBuffer pending = to.unsafe().outboundBuffer();
        if (pending != null) {
            counters.peakPendingWriteBytes.accumulate(pending.totalPendingWriteBytes());
        }
        if (!to.isWritable() && from.config().isAutoRead()) {
            // Stop reading until the other side drains: the proxy never holds more than a watermark's worth.
            from.config().setAutoRead(false);
            counters.readPauses.increment();
        }
    }

    private void flushTo(boolean fromClient) {
        Channel to = fromClient ? backend : client;
        if (to != null) {
            to.flush();
        }
    }

    private void writabilityChanged(Channel channel, boolean isClient) {
        if (!channel.isWritable()) {
            return;
        }
        Channel other = isClient ? backend : client;
        boolean otherInputDone = isClient ? backendInputDone : clientInputDone;
        if (other != null && other.isActive() && !otherInputDone && !closing) {
            other.config().setAutoRead(true);
        }
    }

    /** A FIN from one side: flush what it sent, then shut the other side's output; close when both are done. */
    private void inputShutdown(boolean fromClient) {
        if (fromClient && !backendUp() && !closing) {
            earlyFin = true;
            return;
        }
        if (fromClient) {
            clientInputDone = true;
        } else {
            backendInputDone = true;
        }
        SocketChannel to = fromClient ? backend : client;
        if (to == null || !to.isActive()) {
            closeBoth();
            return;
        }
        to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> {
            if (!flushed.isSuccess()) {
                resetBoth();
                return;
            }
            if (outputsShut == 1) {
                // The other way is flushed and shut, and this side's input has ended too: closing sends the
                // same FIN after what was just flushed, without a shutdown call (and the exception Netty
                // makes for each) first. Most short connections end this way.
                closeBoth();
                return;
            }
            to.shutdownOutput().addListener(shut -> {
                if (!shut.isSuccess()) {
                    resetBoth();
                } else if (++outputsShut == 2) {
                    closeBoth();
                }
            });
        });
    }

    private void sideGone(boolean isClient) {
        if (closing) {
            return;
        }
        closing = true;
        Channel other = isClient ? backend : client;
        if (other != null && other.isOpen()) {
            other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void idle() {
        if (!closing) {
            counters.idleCloses.increment();
            resetBoth();
        }
    }

    /** The backend was removed: the client must not wait for a peer that will never answer. */
    void backendRemoved() {
        resetBoth();
    }

    void resetBoth() {
        closing = true;
        releaseEarly();
        // Counted first: whoever sees the reset may read the counter at once.
        if (client.isOpen()) {
            counters.resetsSent.increment();
            Resets.reset(client);
        }
        Resets.reset(backend);
    }

    private void releaseEarly() {
        if (early != null) {
            for (Object msg = early.poll(); msg != null; msg = early.poll()) {
                ReferenceCountUtil.release(msg);
            }
            early = null;
        }
    }

    private void closeBoth() {
        closing = true;
        releaseEarly();
        client.close();
        if (backend != null) {
            backend.close();
        }
    }

    private void clientClosed() {
        closing = true;
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        releaseEarly();
        counters.active.decrement();
        proxy.forget(this, backendAddress);
        if (backendAddress != null) {
            proxy.chooser().closed(backendAddress);
        }
        if (backend != null) {
            // Also abandons a connect in progress.
            backend.close();
        }
    }

    /** The handler on one side's pipeline; events of a backend channel that was replaced are ignored. */
    private final class Side extends ChannelInboundHandlerAdapter {
        private final boolean isClient;

        Side(boolean isClient) {
            this.isClient = isClient;
        }

        private boolean current(ChannelHandlerContext ctx) {
            return ctx.channel() == (isClient ? client : backend);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (isClient) {
                startIdleTimer();
                connect(null);
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (current(ctx)) {
                relay(ctx.channel(), isClient, msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (current(ctx)) {
                lastReadNanos = System.nanoTime();
                flushTo(isClient);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (current(ctx)) {
                writabilityChanged(ctx.channel(), isClient);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (!current(ctx)) {
                return;
            }
            if (evt instanceof ChannelInputShutdownEvent) {
                inputShutdown(isClient);
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (current(ctx)) {
                sideGone(isClient);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset or broken pipe on one side is passed on as a reset to the other.
            if (current(ctx)) {
                resetBoth();
            }
        }
    }
}

