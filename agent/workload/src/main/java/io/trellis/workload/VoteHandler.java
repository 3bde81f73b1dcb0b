package io.trellis.workload;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * The vote role's pages: {@code GET /} the ballot, {@code POST /vote} (or {@code /}) with {@code option=a|b}
 * in the form body or the query pushes the vote to the queue, {@code /healthz} ok. Answered off the event
 * loop ({@link OffLoopHttpHandler}): the push waits for the queue's answer.
 */
final class VoteHandler extends OffLoopHttpHandler {
    private final LineClient queue;
    private final String servedBy;

    VoteHandler(ExecutorService threads, LineClient queue, String servedBy) {
        super(threads);
        this.queue = queue;
        this.servedBy = servedBy;
    }

    @Override
    void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder target = new QueryStringDecoder(request.uri());
        String path = target.path();
        boolean html = HttpReplies.wantsHtml(request);
        if (path.equals("/healthz")) {
            HttpReplies.text(ctx, request, HttpResponseStatus.OK, "ok\n");
        } else if (HttpMethod.POST.equals(request.method()) && (path.equals("/vote") || path.equals("/"))) {
            vote(ctx, request, target, html);
        } else if (path.equals("/") || path.equals("/vote")) {
            page(ctx, request, html, null);
        } else {
            HttpReplies.text(ctx, request, HttpResponseStatus.NOT_FOUND, "not found\n");
        }
    }

    private void vote(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder target, boolean html) {
        String form = request.content().toString(StandardCharsets.UTF_8);
        List<String> values = new QueryStringDecoder(form, StandardCharsets.UTF_8, false).parameters().get("option");
        if (values == null) {
            values = target.parameters().get("option");
        }
        Optional<VoteOption> option = values == null || values.size() != 1 ? Optional.empty()
                : VoteOption.of(values.get(0));
        if (option.isEmpty()) {
            HttpReplies.text(ctx, request, HttpResponseStatus.BAD_REQUEST, "send option=a or option=b\n");
            return;
        }
        try {
            String answer = queue.call("PUSH " + option.get().code());
            if (!answer.equals("OK")) {
                throw new IOException("the queue answered \"" + answer + "\"");
            }
        } catch (IOException e) {
            HttpReplies.text(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "the queue cannot take votes now: "
                    + e.getMessage() + "\n");
            return;
        }
        if (html) {
            page(ctx, request, true, option.get());
        } else {
            HttpReplies.text(ctx, request, HttpResponseStatus.OK, VotePage.thanksText(option.get()));
        }
    }

    private void page(ChannelHandlerContext ctx, FullHttpRequest request, boolean html, VoteOption voted) {
        if (html) {
            HttpReplies.send(ctx, request, HttpResponseStatus.OK, VotePage.html(voted, servedBy), HttpReplies.HTML);
        } else {
            HttpReplies.text(ctx, request, HttpResponseStatus.OK, VotePage.text(servedBy));
        }
    }
}
