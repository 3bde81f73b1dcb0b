package io.trellis.dataplane.dns;

import io.netty.handler.codec.dns.AbstractDnsOptPseudoRrRecord;

/** The OPT pseudo-record of our answers to EDNS queries: the UDP size we accept, no options (RFC 6891). */
final class EdnsOpt extends AbstractDnsOptPseudoRrRecord {

    EdnsOpt(int maxPayloadSize) {
        super(maxPayloadSize);
    }
}
