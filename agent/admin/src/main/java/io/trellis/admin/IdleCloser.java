package io.trellis.admin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;

/**
 * Closes a connection the {@code IdleStateHandler} before it found idle, unless a reply is in
 * progress on it: a request was read whole, and a streaming reply that waits for its next line
 * ({@code service logs --follow} of a quiet task) is work, not an idle connection.
 */
final class IdleCloser extends ChannelInboundHandlerAdapter {
    /** Set by {@link AdminHttpHandler} while it answers a request on the channel. */
    static final AttributeKey<Boolean> REPLYING = AttributeKey.valueOf("trellis.admin.replying");

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (!Boolean.TRUE.equals(ctx.channel().attr(REPLYING).get())) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
