package io.trellis.dataplane.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DnsResponse;
import java.net.InetSocketAddress;

/** A client of the task's UDP listener. */
final class UdpRequester implements Requester {
    private final Channel channel;
    private final InetSocketAddress local;
    private final InetSocketAddress client;

    UdpRequester(Channel channel, InetSocketAddress local, InetSocketAddress client) {
        this.channel = channel;
        this.local = local;
        this.client = client;
    }

    @Override
    public boolean datagram() {
        return true;
    }

    @Override
    public DnsResponse newResponse(int id) {
        return new DatagramDnsResponse(local, client, id);
    }

    @Override
    public void send(DnsResponse response) {
        channel.writeAndFlush(response);
    }

    @Override
    public void relay(ByteBuf answer) {
        channel.writeAndFlush(new DatagramPacket(answer, client));
    }
}
