package io.trellis.workload;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How one connection ends when the server stops gracefully ({@link #STOP}): an idle keep-alive
 * connection gets {@link #IDLE_GRACE} to send one more request (a client of a balancer may be sending it
 * as the stop begins; closing at once would lose it to the race every keep-alive client knows), and is
 * closed after it, a request already begun is still answered, and the first answer from then on
 * says {@code Connection: close} and is the last on its connection (a pipelined request behind it is
 * left for the client to retry, as HTTP allows). Sits between the HTTP codec and the
 * aggregator, so it sees a request as soon as its head is read, and every response the aggregator
 * sends by itself (a 413) too.
 */
final class DrainingConnection extends ChannelDuplexHandler {
    /** The user event the server fires on each connection when it stops. */
    static final Object STOP = new Object() {
        @Override
        public String toString() {
            return "STOP";
        }
    };

    /** How long an idle connection is kept open after the stop for a last request. */
    static final Duration IDLE_GRACE = Duration.ofSeconds(1);

    /** Whether the server has begun to stop: seen at once, while {@link #STOP} may still be on its way. */
    private final BooleanSupplier serverStopping;
    /** Requests whose final response is not yet written out. */
    private int unanswered;
    private boolean stopping;
    /** Whether the response being written is a 1xx (100 Continue), which does not end a request. */
    private boolean interim;

    DrainingConnection(BooleanSupplier serverStopping) {
        this.serverStopping = serverStopping;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            unanswered++;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            interim = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            stopping |= serverStopping.getAsBoolean();
            if (stopping && !interim) {
                HttpUtil.setKeepAlive(response, false);
            }
        }
        if (msg instanceof LastHttpContent && !interim) {
            // Counted once written out: closing earlier would drop the answer still in the outbound buffer.
            ChannelPromise written = promise.unvoid();
            written.addListener(f -> answered(ctx));
            ctx.write(msg, written);
            return;
        }
        ctx.write(msg, promise);
    }

    private void answered(ChannelHandlerContext ctx) {
        unanswered--;
        if (stopping) {
            // This answer said Connection: close (or began before the stop): the connection ends here.
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt != STOP) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        stopping = true;
        if (unanswered == 0) {
            ctx.executor().schedule(() -> closeIfIdle(ctx), IDLE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void closeIfIdle(ChannelHandlerContext ctx) {
        if (unanswered == 0) {
            // Nothing unread waits in the socket (Netty reads eagerly), so this is a FIN, not a reset.
            ctx.close();
        }
    }
}
