package io.trellis.admin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Watches a connection's TLS handshake. A failed one (garbage on the port, a certificate from
 * another CA, a client that does not trust us, too slow) is reported as one line, then the
 * connection closes. A successful one with a verified client certificate takes the connection out
 * of the anonymous count and lets it send full-size request bodies.
 */
final class HandshakeWatcher extends ChannelInboundHandlerAdapter {
    static final String AGGREGATOR = "aggregator";

    private final Consumer<Refusal> onFailure;
    private final AnonymousConnections anonymous;
    private final int maxRequestBytes;

    HandshakeWatcher(Consumer<Refusal> onFailure, AnonymousConnections anonymous, int maxRequestBytes) {
        this.onFailure = onFailure;
        this.anonymous = anonymous;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess() && !AnonymousConnections.refused(ctx.channel())) {
                String from = ctx.channel().remoteAddress() instanceof InetSocketAddress a
                        ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
                onFailure.accept(new Refusal(Refusal.Kind.HANDSHAKE,
                        "TLS handshake from " + from + " failed: " + reason(done.cause())));
            } else if (done.isSuccess() && hasClientCertificate(ctx)) {
                anonymous.authenticated(ctx.channel());
                ctx.pipeline().replace(AGGREGATOR, AGGREGATOR, new AdminRequestAggregator(maxRequestBytes));
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    private static boolean hasClientCertificate(ChannelHandlerContext ctx) {
        try {
            return ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates().length > 0;
        } catch (SSLPeerUnverifiedException none) {
            return false;
        }
    }

    /** The innermost message (a certificate check says why); the class name when nobody said anything. */
    static String reason(Throwable error) {
        String reason = error.getClass().getSimpleName();
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                reason = t.getMessage();
            }
        }
        return reason;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The handshake failure above already said it; do not log a stack trace per bad connection.
        ctx.close();
    }
}
