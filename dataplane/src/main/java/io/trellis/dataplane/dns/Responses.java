package io.trellis.dataplane.dns;

import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;

/** The head of every answer this server writes itself: echoed ID, flags and question, OPT for EDNS. */
final class Responses {
    /** The largest UDP answer we send, whatever size an EDNS client offers. */
    static final int EDNS_PAYLOAD = 4096;

    private Responses() {
    }

    /**
     * A response to query {@code id} with {@code code}; {@code edns} if the query had an OPT record, so
     * the client learns our size too. Recursion is available: names that are not ours are forwarded.
     */
    static DnsResponse start(Requester requester, int id, boolean recursionDesired, DnsQuestion question,
                             DnsResponseCode code, boolean edns) {
        DnsResponse response = requester.newResponse(id);
        response.setRecursionDesired(recursionDesired);
        response.setRecursionAvailable(true);
        response.setCode(code);
        response.addRecord(DnsSection.QUESTION, question);
        if (edns) {
            response.addRecord(DnsSection.ADDITIONAL, new EdnsOpt(EDNS_PAYLOAD));
        }
        return response;
    }
}
