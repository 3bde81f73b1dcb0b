package io.trellis.workload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** How the voting app's pages answer: in HTML to a browser, in plain text to curl and scripts. */
final class HttpReplies {
    static final String TEXT = "text/plain; charset=utf-8";
    static final String HTML = "text/html; charset=utf-8";

    private HttpReplies() {
    }

    /** A browser asks for {@code text/html} by name; curl's {@code *}{@code /*} gets plain text. */
    static boolean wantsHtml(FullHttpRequest request) {
        String accept = request.headers().get(HttpHeaderNames.ACCEPT);
        return accept != null && accept.contains("text/html");
    }

    static void send(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String body,
                     String contentType) {
        boolean keepAlive = !request.decoderResult().isFailure() && HttpUtil.isKeepAlive(request);
        HttpVersion version = HttpVersion.HTTP_1_0.equals(request.protocolVersion()) ? HttpVersion.HTTP_1_0
                : HttpVersion.HTTP_1_1;
        ByteBuf bytes = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        int length = bytes.readableBytes();
        if (HttpMethod.HEAD.equals(request.method())) {
            bytes.release();
            bytes = Unpooled.EMPTY_BUFFER;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(version, status, bytes);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        // A page that changes with every vote: a browser asks again instead of showing an old copy.
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        HttpUtil.setContentLength(response, length);
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    static void text(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String body) {
        send(ctx, request, status, body, TEXT);
    }
}
