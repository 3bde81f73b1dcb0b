package io.trellis.admin;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each request's {@link AdminHandler} on a worker thread and writes its reply; one instance per
 * connection. Auto-read is off: the next request is read only once the reply is out, and requests a
 * client pipelined into one read wait here in order (RFC 9112 §9.3.2: replies keep request order).
 */
final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHttpHandler.class);

    private final AdminHandler handler;
    private final RequestScreen screen;
    private final Executor requests;
    private final Executor streams;
    /** Requests decoded while a reply was in flight; touched only on the event loop. */
    private final Queue<Pending> waiting = new ArrayDeque<>();
    private boolean replying;

    /** A decoded request, or the error reply its decoding earned. */
    private record Pending(AdminRequest request, AdminResponse rejection, boolean keepAlive) {
    }

    /**
     * @param requests bounded pool for handlers, which may block on Raft writes
     * @param streams  separate pool for streaming bodies, so long {@code logs --follow} replies
     *                 cannot take every handler thread
     */
    AdminHttpHandler(AdminHandler handler, RequestScreen screen, Executor requests, Executor streams) {
        this.handler = handler;
        this.screen = screen;
        this.requests = requests;
        this.streams = streams;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest http) {
        AdminResponse refused = http.decoderResult().isSuccess() ? screen.check(http, ctx.channel().localAddress()) : null;
        waiting.add(refused != null ? new Pending(null, refused, false) : decode(http, peerCertificates(ctx)));
        if (!replying) {
            replyToNext(ctx);
        }
    }

    /** The verified client chain of a TLS connection, empty otherwise. */
    private static List<X509Certificate> peerCertificates(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : ssl.engine().getSession().getPeerCertificates()) {
                chain.add((X509Certificate) c);
            }
            return chain;
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    private static Pending decode(FullHttpRequest http, List<X509Certificate> peer) {
        boolean keepAlive = HttpUtil.isKeepAlive(http);
        try {
            if (!http.decoderResult().isSuccess()) {
                throw new IllegalArgumentException(http.decoderResult().cause().getMessage());
            }
            QueryStringDecoder uri = new QueryStringDecoder(http.uri());
            return new Pending(new AdminRequest(http.method().name(), uri.path(), uri.parameters(), Map.of(),
                    ByteBufUtil.getBytes(http.content()), peer), null, keepAlive);
        } catch (IllegalArgumentException e) {
            return new Pending(null, AdminResponse.error(400, "malformed request: " + e.getMessage()), false);
        }
    }

    private void replyToNext(ChannelHandlerContext ctx) {
        Pending next = waiting.poll();
        replying = next != null;
        ctx.channel().attr(IdleCloser.REPLYING).set(replying);
        if (next == null) {
            ctx.read();
        } else if (next.rejection() != null) {
            reply(ctx, next.rejection(), next.keepAlive());
        } else {
            try {
                requests.execute(() -> serve(ctx, next.request(), next.keepAlive()));
            } catch (RejectedExecutionException e) {
                reply(ctx, AdminResponse.error(503, "the agent is busy: too many admin requests in flight"),
                        next.keepAlive());
            }
        }
    }

    private void serve(ChannelHandlerContext ctx, AdminRequest request, boolean keepAlive) {
        AdminResponse response;
        try {
            response = handler.handle(request);
        } catch (Exception e) {
            LOG.error("admin request {} {} failed", request.method(), request.path(), e);
            response = AdminResponse.error(500, e.getMessage() != null ? e.getMessage() : e.toString());
        }
        if (!response.isStreaming()) {
            reply(ctx, response, keepAlive);
            return;
        }
        AdminResponse streaming = response;
        try {
            streams.execute(() -> stream(ctx, request, streaming, keepAlive));
        } catch (RejectedExecutionException e) {
            reply(ctx, AdminResponse.error(503, "the agent is busy: too many streaming replies in flight"), keepAlive);
        }
    }

    private void reply(ChannelHandlerContext ctx, AdminResponse response, boolean keepAlive) {
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
        setHeaders(http, response, keepAlive);
        HttpUtil.setContentLength(http, response.body().length);
        ctx.writeAndFlush(http).addListener(readNextOrClose(ctx, keepAlive));
    }

    private void stream(ChannelHandlerContext ctx, AdminRequest request, AdminResponse response,
                        boolean keepAlive) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()));
        setHeaders(head, response, keepAlive);
        HttpUtil.setTransferEncodingChunked(head, true);
        ctx.writeAndFlush(head);

        // A body idling between chunks (follow with no new lines) would only notice a departed
        // client at its next write; interrupting it lets it stop at once.
        Thread worker = Thread.currentThread();
        ChannelFutureListener interrupt = closed -> worker.interrupt();
        ctx.channel().closeFuture().addListener(interrupt);
        ChannelChunkSink sink = new ChannelChunkSink(ctx.channel());
        try {
            response.streamingBody().writeTo(sink);
        } catch (Exception e) {
            if (!sink.clientGone()) {
                LOG.error("admin streaming reply to {} {} failed", request.method(), request.path(), e);
            }
            // Cut the connection: without the last chunk the client knows the reply is incomplete.
            ctx.close();
            return;
        } finally {
            ctx.channel().closeFuture().removeListener(interrupt);
            Thread.interrupted();
        }
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(readNextOrClose(ctx, keepAlive));
    }

    private static void setHeaders(HttpResponse http, AdminResponse response, boolean keepAlive) {
        response.headers().forEach(http.headers()::set);
        http.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        HttpUtil.setKeepAlive(http, keepAlive);
    }

    /** Runs on the event loop once a reply is written. */
    private ChannelFutureListener readNextOrClose(ChannelHandlerContext ctx, boolean keepAlive) {
        return written -> {
            if (written.isSuccess() && keepAlive) {
                replyToNext(ctx);
            } else {
                ctx.close();
            }
        };
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("admin connection failed", cause);
        ctx.close();
    }
}
