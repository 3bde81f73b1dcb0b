package io.trellis.workload;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * The result role's page: {@code GET /} asks the store for the counts and shows them, {@code /healthz} ok.
 * Answered off the event loop ({@link OffLoopHttpHandler}): it waits for the store's answer.
 */
final class ResultHandler extends OffLoopHttpHandler {
    private final LineClient store;
    private final String servedBy;

    ResultHandler(ExecutorService threads, LineClient store, String servedBy) {
        super(threads);
        this.store = store;
        this.servedBy = servedBy;
    }

    @Override
    void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals("/healthz")) {
            HttpReplies.text(ctx, request, HttpResponseStatus.OK, "ok\n");
            return;
        }
        if (!path.equals("/")) {
            HttpReplies.text(ctx, request, HttpResponseStatus.NOT_FOUND, "not found\n");
            return;
        }
        Map<VoteOption, Long> counts;
        try {
            counts = VoteCounts.parse(store.call("COUNTS"));
        } catch (IOException e) {
            HttpReplies.text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "the store cannot be read now: "
                    + e.getMessage() + "\n");
            return;
        }
        if (HttpReplies.wantsHtml(request)) {
            HttpReplies.send(ctx, request, HttpResponseStatus.OK, ResultPage.html(counts, servedBy), HttpReplies.HTML);
        } else {
            HttpReplies.text(ctx, request, HttpResponseStatus.OK, ResultPage.text(counts));
        }
    }
}
