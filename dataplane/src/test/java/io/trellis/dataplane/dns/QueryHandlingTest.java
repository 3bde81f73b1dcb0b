package io.trellis.dataplane.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The query handling of one task's listeners on embedded channels: directory answers, NODATA,
 * NXDOMAIN, truncation, forwarding with its timeout and bound, what is dropped; no sockets.
 */
class QueryHandlingTest {
    private static final InetSocketAddress UPSTREAM_1 = new InetSocketAddress("127.0.0.53", 53);
    private static final InetSocketAddress UPSTREAM_2 = new InetSocketAddress("127.0.0.54", 53);

    private final TestDirectory directory = new TestDirectory();
    private final DnsCounters counters = new DnsCounters();
    private final Forwarder forwarder = new Forwarder(List.of(UPSTREAM_1, UPSTREAM_2), counters, Duration.ofSeconds(2), 2);
    private final EmbeddedChannel upstream = new EmbeddedChannel(new DatagramDnsQueryEncoder(), forwarder);
    private final QueryAnswerer answerer = new QueryAnswerer(directory, counters, forwarder);
    private final EmbeddedChannel udp = new EmbeddedChannel();
    private final EmbeddedChannel tcp = new EmbeddedChannel();

    QueryHandlingTest() {
        Pipelines.udp(udp.pipeline(), new QueryHandler("t1", answerer, counters, false));
        Pipelines.tcp(tcp.pipeline(), new QueryHandler("t1", answerer, counters, true));
    }

    @AfterEach
    void finish() {
        udp.finishAndReleaseAll();
        tcp.finishAndReleaseAll();
        upstream.finishAndReleaseAll();
    }

    @Test
    void answersAKnownNameWhateverItsCaseAndTrailingDot() {
        Wire.Reply reply = Wire.reply(askUdp(Wire.query(41, "WeB.", DnsRecordType.A)));

        assertThat(reply.id()).isEqualTo(41);
        assertThat(reply.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(reply.authoritative()).isTrue();
        assertThat(reply.question()).isEqualTo("WeB.");
        assertThat(reply.addresses()).containsExactly("10.0.1.2");
        assertThat(reply.ttls()).containsExactly((long) Resolution.DEFAULT_TTL_SECONDS);
        assertThat(directory.asked).containsExactly("web");
        assertThat(counters.count(DnsResult.ANSWERED)).isEqualTo(1);

        assertThat(Wire.reply(askUdp(Wire.query(42, "web", DnsRecordType.A))).addresses()).containsExactly("10.0.1.2");
        assertThat(directory.asked).containsExactly("web", "web");
    }

    @Test
    void knownNameWithoutRecordsOfTheTypeIsNoData() {
        Wire.Reply reply = Wire.reply(askUdp(Wire.query(7, "web", DnsRecordType.AAAA)));

        assertThat(reply.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(reply.addresses()).isEmpty();
        assertThat(counters.count(DnsResult.NODATA)).isEqualTo(1);
        assertThat(counters.count(DnsResult.ANSWERED)).isZero();
    }

    @Test
    void addressesGivenForAnotherTypeAreNoData() {
        QueryAnswerer careless = new QueryAnswerer((task, name, type) -> Resolution.addresses(List.of(Wire.ipv4("10.0.0.9"))),
                counters, forwarder);
        EmbeddedChannel channel = new EmbeddedChannel();
        Pipelines.udp(channel.pipeline(), new QueryHandler("t1", careless, counters, false));
        channel.writeInbound(datagram(Wire.query(8, "web", DnsRecordType.MX)));

        Wire.Reply reply = Wire.reply(Wire.bytesOf(channel.readOutbound()));
        assertThat(reply.addresses()).isEmpty();
        assertThat(counters.count(DnsResult.NODATA)).isEqualTo(1);
        channel.finishAndReleaseAll();
    }

    @Test
    void tasksNameListsEveryTask() {
        Wire.Reply reply = Wire.reply(askUdp(Wire.query(9, "tasks.web", DnsRecordType.A)));

        assertThat(reply.addresses()).containsExactly("10.0.1.5", "10.0.1.6", "10.0.1.7");
        assertThat(reply.truncated()).isFalse();
    }

    @Test
    void answerTooLongForUdpIsTruncatedAndWholeOverEdnsOrTcp() {
        byte[] plain = askUdp(Wire.query(10, "tasks.big", DnsRecordType.A));
        Wire.Reply truncated = Wire.reply(plain);
        assertThat(plain.length).isLessThanOrEqualTo(512);
        assertThat(truncated.truncated()).isTrue();
        // Header 12, question 15, each record 25 bytes: 19 records fit 512 bytes, 60 need 1527.
        assertThat(truncated.addresses()).hasSize(19);

        Wire.Reply edns = Wire.reply(askUdp(Wire.query(11, "tasks.big", DnsRecordType.A, 4096)));
        assertThat(edns.truncated()).isFalse();
        assertThat(edns.addresses()).hasSize(60);

        Wire.Reply overTcp = Wire.reply(askTcp(Wire.query(12, "tasks.big", DnsRecordType.A)));
        assertThat(overTcp.truncated()).isFalse();
        assertThat(overTcp.addresses()).hasSize(60);
        assertThat(counters.count(DnsResult.ANSWERED)).isEqualTo(3);
    }

    @Test
    void ednsSizeCountsBetween512AndOurs() {
        // With OPT records (11 bytes) on both sides: 12 + 15 + 11 + n * 25.
        Wire.Reply small = Wire.reply(askUdp(Wire.query(13, "tasks.big", DnsRecordType.A, 100)));
        assertThat(small.truncated()).isTrue();
        assertThat(small.addresses()).hasSize(18);
        assertThat(small.bytes()).isLessThanOrEqualTo(512);
        Wire.Reply medium = Wire.reply(askUdp(Wire.query(14, "tasks.big", DnsRecordType.A, 1000)));
        assertThat(medium.addresses()).hasSize(38);
        assertThat(medium.bytes()).isLessThanOrEqualTo(1000);
    }

    @Test
    void notOursWithoutUpstreamIsNxdomain() {
        Forwarder none = new Forwarder(List.of(), counters, Forwarder.TIMEOUT, Forwarder.MAX_OUTSTANDING);
        EmbeddedChannel channel = new EmbeddedChannel();
        Pipelines.udp(channel.pipeline(), new QueryHandler("t1", new QueryAnswerer(directory, counters, none), counters, false));
        channel.writeInbound(datagram(Wire.query(14, "example.org", DnsRecordType.A)));

        Wire.Reply reply = Wire.reply(Wire.bytesOf(channel.readOutbound()));
        assertThat(reply.code()).isEqualTo(DnsResponseCode.NXDOMAIN);
        assertThat(reply.id()).isEqualTo(14);
        assertThat(counters.count(DnsResult.NXDOMAIN)).isEqualTo(1);
        channel.finishAndReleaseAll();
    }

    @Test
    void relaysTheUpstreamAnswerWithTheClientsId() {
        udp.writeInbound(datagram(Wire.query(1234, "example.org", DnsRecordType.A, 1232)));
        DatagramPacket sent = upstream.readOutbound();
        assertThat(sent.recipient()).isEqualTo(UPSTREAM_1);
        byte[] upstreamQuery = Wire.bytesOf(sent);
        int upstreamId = Wire.idOf(upstreamQuery);
        DnsQuery forwarded = Wire.decodeQuery(upstreamQuery);
        try {
            assertThat(forwarded.recordAt(DnsSection.QUESTION).name()).isEqualTo("example.org.");
            assertThat(QueryAnswerer.edns(forwarded).dnsClass()).isEqualTo(1232);
        } finally {
            forwarded.release();
        }
        assertThat(udp.outboundMessages()).isEmpty();

        byte[] answer = Wire.response(upstreamId, "example.org", "93.184.216.34");
        upstream.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(answer), Wire.CLIENT, UPSTREAM_1));

        byte[] relayed = udpReply();
        assertThat(Wire.idOf(relayed)).isEqualTo(1234);
        assertThat(Arrays.copyOfRange(relayed, 2, relayed.length)).isEqualTo(Arrays.copyOfRange(answer, 2, answer.length));
        assertThat(Wire.reply(relayed).addresses()).containsExactly("93.184.216.34");
        assertThat(counters.count(DnsResult.FORWARDED)).isEqualTo(1);
        assertThat(forwarder.outstanding()).isZero();
    }

    @Test
    void relaysOverTcpWithTheLengthPrefix() {
        tcp.writeInbound(tcpFrame(Wire.query(77, "example.org", DnsRecordType.A)));
        int upstreamId = Wire.idOf(Wire.bytesOf(upstream.readOutbound()));
        upstream.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(Wire.response(upstreamId, "example.org", "1.2.3.4")),
                Wire.CLIENT, UPSTREAM_1));

        Wire.Reply reply = Wire.reply(tcpReply());
        assertThat(reply.id()).isEqualTo(77);
        assertThat(reply.addresses()).containsExactly("1.2.3.4");
    }

    @Test
    void answerFromAnotherAddressOrWithAnUnknownIdIsIgnored() {
        udp.writeInbound(datagram(Wire.query(5, "example.org", DnsRecordType.A)));
        int upstreamId = Wire.idOf(Wire.bytesOf(upstream.readOutbound()));

        upstream.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(Wire.response(upstreamId, "example.org", "6.6.6.6")),
                Wire.CLIENT, new InetSocketAddress("127.0.0.99", 53)));
        upstream.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(Wire.response(upstreamId ^ 1, "example.org", "6.6.6.6")),
                Wire.CLIENT, UPSTREAM_1));
        upstream.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), Wire.CLIENT, UPSTREAM_1));

        assertThat(udp.outboundMessages()).isEmpty();
        assertThat(forwarder.outstanding()).isEqualTo(1);
    }

    @Test
    void upstreamSilenceIsServfailAndTheNextQueryAsksTheNextUpstream() {
        udp.writeInbound(datagram(Wire.query(21, "example.org", DnsRecordType.A)));
        DatagramPacket first = upstream.readOutbound();
        assertThat(first.recipient()).isEqualTo(UPSTREAM_1);
        first.release();

        upstream.advanceTimeBy(1, TimeUnit.SECONDS);
        upstream.runScheduledPendingTasks();
        assertThat(udp.outboundMessages()).isEmpty();
        upstream.advanceTimeBy(1, TimeUnit.SECONDS);
        upstream.runScheduledPendingTasks();

        Wire.Reply reply = Wire.reply(udpReply());
        assertThat(reply.id()).isEqualTo(21);
        assertThat(reply.code()).isEqualTo(DnsResponseCode.SERVFAIL);
        assertThat(counters.count(DnsResult.FORWARD_FAILED)).isEqualTo(1);

        udp.writeInbound(datagram(Wire.query(22, "example.org", DnsRecordType.A)));
        DatagramPacket next = upstream.readOutbound();
        assertThat(next.recipient()).isEqualTo(UPSTREAM_2);
        next.release();
    }

    @Test
    void forwardsBeyondTheBoundFailAtOnce() {
        udp.writeInbound(datagram(Wire.query(31, "a.example", DnsRecordType.A)));
        udp.writeInbound(datagram(Wire.query(32, "b.example", DnsRecordType.A)));
        udp.writeInbound(datagram(Wire.query(33, "c.example", DnsRecordType.A)));

        Wire.Reply reply = Wire.reply(udpReply());
        assertThat(reply.id()).isEqualTo(33);
        assertThat(reply.code()).isEqualTo(DnsResponseCode.SERVFAIL);
        assertThat(forwarder.outstanding()).isEqualTo(2);
        assertThat(counters.count(DnsResult.FORWARD_FAILED)).isEqualTo(1);
        upstream.releaseOutbound();
    }

    @Test
    void directoryFailureIsServfail() {
        Wire.Reply reply = Wire.reply(askUdp(Wire.query(51, "broken", DnsRecordType.A)));

        assertThat(reply.code()).isEqualTo(DnsResponseCode.SERVFAIL);
        assertThat(counters.count(DnsResult.FAILED)).isEqualTo(1);
    }

    @Test
    void malformedQueriesAreCountedAndNeverAnswered() {
        udp.writeInbound(datagram(new byte[] {0, 1, 2}));
        udp.writeInbound(datagram(Wire.response(3, "web", "10.0.0.1")));
        udp.writeInbound(datagram(Wire.twoQuestions(4)));
        byte[] truncatedQuery = Wire.query(5, "web", DnsRecordType.A);
        udp.writeInbound(datagram(Arrays.copyOf(truncatedQuery, truncatedQuery.length - 3)));

        assertThat(udp.outboundMessages()).isEmpty();
        assertThat(udp.isOpen()).isTrue();
        assertThat(counters.count(DnsResult.MALFORMED)).isEqualTo(4);
        assertThat(Wire.reply(askUdp(Wire.query(6, "web", DnsRecordType.A))).id()).isEqualTo(6);
    }

    @Test
    void oversizedTcpMessageClosesTheConnection() {
        ByteBuf frame = Unpooled.buffer().writeShort(Pipelines.MAX_TCP_QUERY + 1).writeZero(Pipelines.MAX_TCP_QUERY + 1);
        tcp.writeInbound(frame);

        assertThat(counters.count(DnsResult.OVERSIZED)).isEqualTo(1);
        assertThat(tcp.outboundMessages()).isEmpty();
        assertThat(tcp.isOpen()).isFalse();
    }

    @Test
    void idleTcpConnectionIsClosed() {
        tcp.advanceTimeBy(Pipelines.TCP_IDLE.toSeconds() - 1, TimeUnit.SECONDS);
        tcp.runScheduledPendingTasks();
        assertThat(tcp.isOpen()).isTrue();
        tcp.advanceTimeBy(1, TimeUnit.SECONDS);
        tcp.runScheduledPendingTasks();
        assertThat(tcp.isOpen()).isFalse();
    }

    private byte[] askUdp(byte[] query) {
        udp.writeInbound(datagram(query));
        return udpReply();
    }

    private byte[] udpReply() {
        DatagramPacket packet = udp.readOutbound();
        assertThat(packet).as("an answer").isNotNull();
        assertThat(packet.recipient()).isEqualTo(Wire.CLIENT);
        return Wire.bytesOf(packet);
    }

    private byte[] askTcp(byte[] query) {
        tcp.writeInbound(tcpFrame(query));
        return tcpReply();
    }

    private byte[] tcpReply() {
        ByteBuf out = Unpooled.buffer();
        for (Object part; (part = tcp.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) part;
            out.writeBytes(buf);
            buf.release();
        }
        int length = out.readUnsignedShort();
        assertThat(out.readableBytes()).isEqualTo(length);
        byte[] message = new byte[length];
        out.readBytes(message);
        return message;
    }

    private static ByteBuf tcpFrame(byte[] query) {
        return Unpooled.buffer().writeShort(query.length).writeBytes(query);
    }

    private static DatagramPacket datagram(byte[] bytes) {
        return new DatagramPacket(Unpooled.wrappedBuffer(bytes), Wire.SERVER, Wire.CLIENT);
    }
}
