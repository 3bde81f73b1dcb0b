package io.trellis.dataplane.dns;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DnsResponse;

/** Where one query's answer goes: back to a UDP client's address, or down its TCP connection. */
interface Requester {

    /** Whether the answer travels in one datagram, so must fit the client's size (RFC 1035, RFC 6891). */
    boolean datagram();

    /** An empty response with {@code id}, addressed to this client. */
    DnsResponse newResponse(int id);

    /** Sends {@code response}, taking ownership of it. */
    void send(DnsResponse response);

    /** Sends an upstream's encoded answer as it is, taking ownership of {@code answer}. */
    void relay(ByteBuf answer);
}
