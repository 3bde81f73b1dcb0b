package io.trellis.admin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Reports TLS handshakes that failed (garbage on the port, a certificate from another CA, a client
 * that does not trust us) as one line each, then lets the connection close.
 */
final class HandshakeWatcher extends ChannelInboundHandlerAdapter {
    private final Consumer<String> onFailure;

    HandshakeWatcher(Consumer<String> onFailure) {
        this.onFailure = onFailure;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            String from = ctx.channel().remoteAddress() instanceof InetSocketAddress a
                    ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
            onFailure.accept("TLS handshake from " + from + " failed: " + reason(done.cause()));
        }
        super.userEventTriggered(ctx, evt);
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
