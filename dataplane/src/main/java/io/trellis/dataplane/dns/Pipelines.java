package io.trellis.dataplane.dns;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import java.time.Duration;

/** The handlers of a task's listeners, the same for the real sockets and for tests' embedded channels. */
final class Pipelines {
    /**
     * The largest TCP query taken: a stub's query is a question and an OPT record, a few hundred bytes
     * at most; longer messages are counted as oversized and their connection closed.
     */
    static final int MAX_TCP_QUERY = 1024;
    static final Duration TCP_IDLE = Duration.ofSeconds(10);

    private Pipelines() {
    }

    static void udp(ChannelPipeline pipeline, QueryHandler handler) {
        pipeline.addLast(new DatagramDnsQueryDecoder(), new DatagramResponseEncoder(), handler);
    }

    static void tcp(ChannelPipeline pipeline, QueryHandler handler) {
        pipeline.addLast(new IdleClose(TCP_IDLE), new TcpDnsQueryDecoder(DnsRecordDecoder.DEFAULT, MAX_TCP_QUERY),
                new TcpDnsResponseEncoder(), handler);
    }
}
