package io.trellis.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/** Aggregates request bodies up to a limit and answers larger ones with a 413 that says why. */
final class AdminRequestAggregator extends HttpObjectAggregator {
    /** How long an oversized request may keep sending its body after the 413 before we hang up. */
    private static final long LINGER_SECONDS = 2;

    AdminRequestAggregator(int maxRequestBytes) {
        // true: after refusing an "Expect: 100-continue" request, close instead of waiting for a body
        // the client may never send.
        super(maxRequestBytes, true);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.writeAndFlush(tooLarge()).addListener((ChannelFutureListener) f -> lingeringClose(f.channel()));
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object reply = super.newContinueResponse(start, maxContentLength, pipeline);
        if (reply instanceof HttpResponse r && r.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)) {
            ReferenceCountUtil.release(reply);
            return tooLarge();
        }
        return reply;
    }

    private FullHttpResponse tooLarge() {
        AdminResponse error = AdminResponse.error(413, "request body too large: the admin API accepts at most "
                + maxContentLength() + " bytes");
        FullHttpResponse reply = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(error.body()));
        reply.headers().set(HttpHeaderNames.CONTENT_TYPE, error.contentType());
        reply.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpUtil.setContentLength(reply, error.body().length);
        return reply;
    }

    /**
     * Closing while request bytes are still unread makes a TCP stack send RST, which can destroy the
     * 413 before the client reads it. Like nginx's lingering close: stop writing, read and drop the
     * rest of the body (this aggregator discards it), and close at the client's EOF or after a while.
     */
    private static void lingeringClose(Channel channel) {
        if (!(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
            channel.close();
            return;
        }
        duplex.shutdownOutput();
        channel.config().setAutoRead(true);
        channel.eventLoop().schedule(() -> channel.close(), LINGER_SECONDS, TimeUnit.SECONDS);
    }
}
