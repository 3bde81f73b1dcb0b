package io.trellis.loadtest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** First in each TCP pipeline: counts the bytes read off the wire, headers and framing included. */
@Sharable
final class ByteCounter extends ChannelInboundHandlerAdapter {
    private final LoadStats stats;

    ByteCounter(LoadStats stats) {
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            stats.received(buf.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }
}
