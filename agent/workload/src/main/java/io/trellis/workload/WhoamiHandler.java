package io.trellis.workload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * Answers one connection's requests: any method or path gets 200 and a {@link WhoamiReply},
 * {@code /healthz} gets {@code ok}. Learns the client from the PROXY header when the connection
 * began with one (the decoder passes it down ahead of the first request).
 */
final class WhoamiHandler extends ChannelInboundHandlerAdapter {
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";

    private final WorkloadIdentity identity;
    private ClientOrigin origin;

    WhoamiHandler(WorkloadIdentity identity) {
        this.identity = identity;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HAProxyMessage header) {
                origin = ClientOrigin.proxied(peer(ctx), header);
            } else if (msg instanceof FullHttpRequest request) {
                answer(ctx, request);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * A malformed PROXY header, a reset, an idle timeout: the connection's own trouble, ended here
     * without a log line, so that no client can fill the task's log.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            // What the decoder could not read has no version of its own: answer in HTTP/1.1, which says close.
            send(ctx, HttpVersion.HTTP_1_1, request.method(), HttpResponseStatus.BAD_REQUEST, "bad request\n", TEXT,
                    false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        // A 1.0 client keeps the connection only when told "keep-alive" in its own version.
        HttpVersion version = HttpVersion.HTTP_1_0.equals(request.protocolVersion()) ? HttpVersion.HTTP_1_0
                : HttpVersion.HTTP_1_1;
        QueryStringDecoder target = new QueryStringDecoder(request.uri());
        String path = path(target.rawPath());
        if ("/healthz".equals(path)) {
            send(ctx, version, request.method(), HttpResponseStatus.OK, "ok\n", TEXT, keepAlive);
            return;
        }
        if (origin == null) {
            origin = ClientOrigin.direct(peer(ctx));
        }
        WhoamiReply reply = new WhoamiReply(identity, origin, request.method().name(), path);
        if (wantsJson(target.rawQuery(), request.headers().get(HttpHeaderNames.ACCEPT))) {
            send(ctx, version, request.method(), HttpResponseStatus.OK, reply.json(), JSON, keepAlive);
        } else {
            send(ctx, version, request.method(), HttpResponseStatus.OK, reply.text(), TEXT, keepAlive);
        }
    }

    /** The path of an origin-form target, or of an absolute-form one ({@code GET http://web/x}). */
    private static String path(String rawPath) {
        if (rawPath.startsWith("/")) {
            return rawPath;
        }
        try {
            String path = new URI(rawPath).getRawPath();
            return path == null || path.isEmpty() ? "/" : path;
        } catch (URISyntaxException e) {
            return rawPath;
        }
    }

    private static boolean wantsJson(String rawQuery, String accept) {
        for (String param : rawQuery.split("&")) {
            if (param.equals("format=json")) {
                return true;
            }
        }
        return accept != null && accept.contains(JSON);
    }

    private static void send(ChannelHandlerContext ctx, HttpVersion version, HttpMethod method,
                             HttpResponseStatus status, String body, String contentType, boolean keepAlive) {
        ByteBuf bytes = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        int length = bytes.readableBytes();
        // A HEAD reply tells the length of the body a GET would get, and carries none (RFC 9110 §9.3.2).
        if (HttpMethod.HEAD.equals(method)) {
            bytes.release();
            bytes = Unpooled.EMPTY_BUFFER;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(version, status, bytes);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(response, length);
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static InetSocketAddress peer(ChannelHandlerContext ctx) {
        return (InetSocketAddress) ctx.channel().remoteAddress();
    }
}
