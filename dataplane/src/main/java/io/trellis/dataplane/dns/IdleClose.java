package io.trellis.dataplane.dns;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a TCP connection that has sent nothing for a while, so clients that leave connections open
 * cannot pile them up (a resolver sends its query right after connecting).
 */
final class IdleClose extends ChannelInboundHandlerAdapter {
    private final long idleNanos;
    private long lastRead;
    private Future<?> timer;

    IdleClose(Duration idle) {
        this.idleNanos = idle.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastRead = ctx.executor().ticker().nanoTime();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (timer == null) {
            lastRead = ctx.executor().ticker().nanoTime();
            schedule(ctx, idleNanos);
        }
    }

    private void schedule(ChannelHandlerContext ctx, long delayNanos) {
        timer = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
        long left = idleNanos - (ctx.executor().ticker().nanoTime() - lastRead);
        if (left <= 0) {
            ctx.close();
        } else if (ctx.channel().isOpen()) {
            schedule(ctx, left);
        }
    }
}
