package io.trellis.dataplane.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Asks the node's resolvers about names that are not ours, from one UDP socket in the agent's own
 * namespace (a task's namespace has no route to them), and relays their answers.
 *
 * <p>Each forward gets a fresh random ID, so answers of different clients cannot be confused and an
 * off-path sender has to guess it; only an answer from the upstream asked, with a pending ID, is
 * relayed, as the upstream encoded it, with the client's ID put back. The answer is not decoded and
 * re-encoded: Netty's codec leaves compressed names inside records such as SOA or MX pointing at
 * offsets of the upstream's message, which a re-encoded message would break.
 *
 * <p>Confined to the event loop of its channel, which every listener shares.
 */
final class Forwarder extends SimpleChannelInboundHandler<DatagramPacket> {
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final int MAX_OUTSTANDING = 1024;
    /** Random IDs tried before giving up; with at most 1024 of 65536 taken, one almost always does. */
    private static final int ID_ATTEMPTS = 16;

    private final List<InetSocketAddress> upstreams;
    private final DnsCounters counters;
    private final long timeoutNanos;
    private final int maxOutstanding;
    private final IntObjectMap<Pending> pending = new IntObjectHashMap<>();
    private Channel channel;
    /** The upstream asked first; moves to the next one after a timeout, as a resolver would. */
    private int preferred;

    private record Pending(Requester requester, int clientId, boolean recursionDesired, DnsQuestion question,
                           boolean edns, InetSocketAddress upstream, Future<?> timer) {
    }

    Forwarder(List<InetSocketAddress> upstreams, DnsCounters counters, Duration timeout, int maxOutstanding) {
        this.upstreams = List.copyOf(upstreams);
        this.counters = counters;
        this.timeoutNanos = timeout.toNanos();
        this.maxOutstanding = maxOutstanding;
    }

    boolean hasUpstreams() {
        return !upstreams.isEmpty();
    }

    int outstanding() {
        return pending.size();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    /** Sends {@code question} upstream on behalf of {@code requester}; its answer, or SERVFAIL, follows. */
    void forward(DnsQuery query, DnsQuestion question, Requester requester) {
        DnsRecord opt = QueryAnswerer.edns(query);
        int id = pending.size() < maxOutstanding ? freeId() : -1;
        if (id < 0 || channel == null || !channel.isActive()) {
            fail(new Pending(requester, query.id(), query.isRecursionDesired(), question, opt != null, null, null));
            return;
        }
        InetSocketAddress upstream = upstreams.get(preferred);
        DatagramDnsQuery out = new DatagramDnsQuery(null, upstream, id);
        out.setRecursionDesired(query.isRecursionDesired());
        out.addRecord(DnsSection.QUESTION, question);
        // The client's EDNS record goes along: the upstream then sizes its answer for the client.
        if (opt != null) {
            out.addRecord(DnsSection.ADDITIONAL, ReferenceCountUtil.retain(opt));
        }
        Future<?> timer = channel.eventLoop().schedule(() -> timedOut(id), timeoutNanos, TimeUnit.NANOSECONDS);
        pending.put(id, new Pending(requester, query.id(), query.isRecursionDesired(), question, opt != null,
                upstream, timer));
        channel.writeAndFlush(out).addListener(f -> {
            if (!f.isSuccess()) {
                Pending p = pending.remove(id);
                if (p != null) {
                    p.timer().cancel(false);
                    fail(p);
                }
            }
        });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf answer = packet.content();
        if (answer.readableBytes() < ResponseSize.HEADER_BYTES) {
            return;
        }
        // The ID is the message's first 16 bits (RFC 1035 4.1.1).
        int id = answer.getUnsignedShort(0);
        Pending p = pending.get(id);
        if (p == null || !p.upstream().equals(packet.sender())) {
            return; // late, after SERVFAIL was sent, or not from the upstream asked
        }
        pending.remove(id);
        p.timer().cancel(false);
        answer.setShort(0, p.clientId());
        counters.increment(DnsResult.FORWARDED);
        p.requester().relay(answer.retain());
    }

    /** Answers everything still waiting with SERVFAIL; for shutdown. */
    void failAll() {
        for (Pending p : new ArrayList<>(pending.values())) {
            p.timer().cancel(false);
            fail(p);
        }
        pending.clear();
    }

    private void timedOut(int id) {
        Pending p = pending.remove(id);
        if (p == null) {
            return;
        }
        int asked = upstreams.indexOf(p.upstream());
        if (asked == preferred) {
            preferred = (preferred + 1) % upstreams.size();
        }
        fail(p);
    }

    private void fail(Pending p) {
        counters.increment(DnsResult.FORWARD_FAILED);
        p.requester().send(Responses.start(p.requester(), p.clientId(), p.recursionDesired(), p.question(),
                DnsResponseCode.SERVFAIL, p.edns()));
    }

    private int freeId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < ID_ATTEMPTS; i++) {
            int id = random.nextInt(0x10000);
            if (!pending.containsKey(id)) {
                return id;
            }
        }
        return -1;
    }
}
