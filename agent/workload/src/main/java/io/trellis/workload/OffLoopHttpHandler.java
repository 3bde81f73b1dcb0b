package io.trellis.workload;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * A page that waits on another service (the vote's queue, the result's store): each request is answered
 * on the workload's own threads, not the event loop, and a connection's answers go out in the order its
 * requests came (HTTP/1.1 pipelining). One instance per connection.
 */
abstract class OffLoopHttpHandler extends ChannelInboundHandlerAdapter {
    private final ExecutorService threads;
    private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

    OffLoopHttpHandler(ExecutorService threads) {
        this.threads = threads;
    }

    /** Answers {@code request}, which the decoder read whole; called on one of the threads, may block. */
    abstract void answer(ChannelHandlerContext ctx, FullHttpRequest request);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            // A PROXY header: these pages do not show the client.
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            // After the connection's earlier answers, whether they succeeded or not.
            last = last.exceptionally(e -> null).thenRunAsync(() -> answerAndRelease(ctx, request), threads);
        } catch (RejectedExecutionException e) {
            // The workload is stopping.
            request.release();
            ctx.close();
        }
    }

    private void answerAndRelease(ChannelHandlerContext ctx, FullHttpRequest request) {
        try {
            if (request.decoderResult().isFailure()) {
                HttpReplies.text(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad request\n");
            } else {
                answer(ctx, request);
            }
        } finally {
            request.release();
        }
    }

    /** A reset, an idle timeout: the connection's own trouble, ended here without a log line. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
