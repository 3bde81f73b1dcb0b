package io.trellis.dataplane.dns;

import io.netty.channel.AddressedEnvelope;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DnsResponse;

/**
 * Netty's encoder for our own answers, letting relayed upstream answers pass: those are datagrams
 * already, and the stock encoder takes every addressed envelope for a response.
 */
final class DatagramResponseEncoder extends DatagramDnsResponseEncoder {

    @Override
    public boolean acceptOutboundMessage(Object msg) throws Exception {
        return super.acceptOutboundMessage(msg) && ((AddressedEnvelope<?, ?>) msg).content() instanceof DnsResponse;
    }
}
