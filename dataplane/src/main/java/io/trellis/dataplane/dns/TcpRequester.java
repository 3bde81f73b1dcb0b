package io.trellis.dataplane.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsResponse;

/** A client on one TCP connection of the task's listener. */
final class TcpRequester implements Requester {
    private final Channel channel;

    TcpRequester(Channel channel) {
        this.channel = channel;
    }

    @Override
    public boolean datagram() {
        return false;
    }

    @Override
    public DnsResponse newResponse(int id) {
        return new DefaultDnsResponse(id);
    }

    @Override
    public void send(DnsResponse response) {
        channel.writeAndFlush(response);
    }

    @Override
    public void relay(ByteBuf answer) {
        // DNS over TCP frames each message with its length (RFC 1035 4.2.2); TcpDnsResponseEncoder
        // does that for messages it encodes, a relayed one is already encoded.
        ByteBuf length = channel.alloc().buffer(2).writeShort(answer.readableBytes());
        channel.write(length);
        channel.writeAndFlush(answer);
    }
}
