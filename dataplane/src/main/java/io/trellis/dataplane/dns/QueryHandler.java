package io.trellis.dataplane.dns;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DnsQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last inbound handler of a task's UDP listener and TCP connections: decoded queries go to the
 * {@link QueryAnswerer} with where their answer goes; what the decoders could not read is counted and
 * dropped, never answered. One is shared by a task's TCP connections; its UDP listener has its own.
 */
@Sharable
final class QueryHandler extends SimpleChannelInboundHandler<DnsQuery> {
    private static final Logger log = LoggerFactory.getLogger(QueryHandler.class);

    private final String taskId;
    private final QueryAnswerer answerer;
    private final DnsCounters counters;
    private final boolean stream;

    /** @param stream for TCP connections, false for the UDP listener */
    QueryHandler(String taskId, QueryAnswerer answerer, DnsCounters counters, boolean stream) {
        this.taskId = taskId;
        this.answerer = answerer;
        this.counters = counters;
        this.stream = stream;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
        Requester requester = stream
                ? new TcpRequester(ctx.channel())
                : new UdpRequester(ctx.channel(), ((DatagramDnsQuery) query).recipient(),
                        ((DatagramDnsQuery) query).sender());
        answerer.answer(taskId, query, requester);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            counters.increment(DnsResult.OVERSIZED);
        } else if (cause instanceof DecoderException) {
            counters.increment(DnsResult.MALFORMED);
        } else {
            log.debug("DNS listener of task {}: {}", taskId, cause.toString());
        }
        // A TCP stream that failed to decode has lost its framing; a UDP socket only lost one datagram.
        if (stream) {
            ctx.close();
        }
    }
}
