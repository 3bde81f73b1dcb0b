package io.trellis.dataplane.dns;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.Inet4Address;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what one decoded query gets: records or NODATA from the directory, the upstream's answer
 * for names that are not ours (NXDOMAIN with no upstream), or nothing for a query we do not serve.
 * Runs on the event loop; the caller releases the query afterwards.
 */
final class QueryAnswerer {
    /** What a UDP client without EDNS accepts (RFC 1035 4.2.1); also the least an EDNS size may mean. */
    static final int UDP_PAYLOAD = 512;
    /** A TCP message's length field is 16 bits. */
    static final int TCP_PAYLOAD = 65_535;

    private static final Logger log = LoggerFactory.getLogger(QueryAnswerer.class);

    private final NameDirectory directory;
    private final DnsCounters counters;
    private final Forwarder forwarder;

    QueryAnswerer(NameDirectory directory, DnsCounters counters, Forwarder forwarder) {
        this.directory = directory;
        this.counters = counters;
        this.forwarder = forwarder;
    }

    void answer(String taskId, DnsQuery query, Requester requester) {
        // One question is all resolvers ever send and all RFC 1035 servers answer; anything else is
        // not a standard query from a stub resolver.
        if (query.opCode() != DnsOpCode.QUERY || query.count(DnsSection.QUESTION) != 1) {
            counters.increment(DnsResult.MALFORMED);
            return;
        }
        DnsQuestion question = query.recordAt(DnsSection.QUESTION);
        Resolution resolution;
        try {
            resolution = question.dnsClass() == DnsRecord.CLASS_IN
                    ? directory.resolve(taskId, normalize(question.name()), question.type())
                    : Resolution.notOurs();
            if (resolution == null) {
                throw new NullPointerException("the directory returned null for " + question.name());
            }
        } catch (RuntimeException e) {
            log.warn("DNS directory failed for {} from task {}", question.name(), taskId, e);
            counters.increment(DnsResult.FAILED);
            requester.send(start(query, question, requester, DnsResponseCode.SERVFAIL));
            return;
        }
        switch (resolution.kind()) {
            case RECORDS -> {
                // Records are A records: any other type of a known name has none.
                if (question.type() == DnsRecordType.A && !resolution.addresses().isEmpty()) {
                    records(query, question, requester, resolution);
                } else {
                    noData(query, question, requester);
                }
            }
            case NO_DATA -> noData(query, question, requester);
            case NOT_OURS -> {
                if (forwarder.hasUpstreams()) {
                    forwarder.forward(query, question, requester);
                } else {
                    counters.increment(DnsResult.NXDOMAIN);
                    requester.send(start(query, question, requester, DnsResponseCode.NXDOMAIN));
                }
            }
        }
    }

    private void records(DnsQuery query, DnsQuestion question, Requester requester, Resolution resolution) {
        DnsResponse response = start(query, question, requester, DnsResponseCode.NOERROR);
        response.setAuthoritativeAnswer(true);
        List<Inet4Address> addresses = resolution.addresses();
        DefaultDnsRawRecord first = record(question, addresses.get(0), resolution.ttlSeconds());
        // Truncated answers carry what fits and TC, so the client asks again over TCP (RFC 2181 9).
        int fit = ResponseSize.fitting(question, first, optOf(response), payloadLimit(query, requester),
                addresses.size());
        response.setTruncated(fit < addresses.size());
        if (fit > 0) {
            response.addRecord(DnsSection.ANSWER, first);
        } else {
            first.release();
        }
        for (int i = 1; i < fit; i++) {
            response.addRecord(DnsSection.ANSWER, record(question, addresses.get(i), resolution.ttlSeconds()));
        }
        counters.increment(DnsResult.ANSWERED);
        requester.send(response);
    }

    private void noData(DnsQuery query, DnsQuestion question, Requester requester) {
        DnsResponse response = start(query, question, requester, DnsResponseCode.NOERROR);
        response.setAuthoritativeAnswer(true);
        counters.increment(DnsResult.NODATA);
        requester.send(response);
    }

    private static DnsResponse start(DnsQuery query, DnsQuestion question, Requester requester, DnsResponseCode code) {
        return Responses.start(requester, query.id(), query.isRecursionDesired(), question, code, edns(query) != null);
    }

    /** The largest answer this client takes: 512 bytes over UDP, or what its EDNS record offers, up to ours. */
    static int payloadLimit(DnsQuery query, Requester requester) {
        if (!requester.datagram()) {
            return TCP_PAYLOAD;
        }
        DnsRecord opt = edns(query);
        if (opt == null) {
            return UDP_PAYLOAD;
        }
        // An OPT record's class is the requester's UDP payload size (RFC 6891 6.1.2).
        return Math.max(UDP_PAYLOAD, Math.min(opt.dnsClass(), Responses.EDNS_PAYLOAD));
    }

    /** The query's OPT record, or null if the client does not speak EDNS. */
    static DnsRecord edns(DnsQuery query) {
        int count = query.count(DnsSection.ADDITIONAL);
        for (int i = 0; i < count; i++) {
            DnsRecord record = query.recordAt(DnsSection.ADDITIONAL, i);
            if (record.type() == DnsRecordType.OPT) {
                return record;
            }
        }
        return null;
    }

    private static DnsRecord optOf(DnsResponse response) {
        return response.count(DnsSection.ADDITIONAL) == 0 ? null : response.recordAt(DnsSection.ADDITIONAL);
    }

    /** The record keeps the name as the client spelled it: some randomise its case (DNS 0x20) and check it. */
    private static DefaultDnsRawRecord record(DnsQuestion question, Inet4Address address, int ttl) {
        return new DefaultDnsRawRecord(question.name(), DnsRecordType.A, ttl, Unpooled.wrappedBuffer(address.getAddress()));
    }

    /** Lower case, without the trailing dot the decoder leaves on every name. */
    static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
