package io.trellis.dataplane.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** DNS messages as bytes for the tests, built and read with Netty's codec as a client would. */
final class Wire {
    static final InetSocketAddress SERVER = new InetSocketAddress(EmbeddedDns.LISTEN_ADDRESS, 53);
    static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40_000);

    /** One answer, read whole. */
    record Reply(int id, DnsResponseCode code, boolean truncated, boolean authoritative, String question,
                 List<String> addresses, List<Long> ttls, int bytes) {
    }

    private Wire() {
    }

    /** A standard query for {@code name}; with an OPT record offering {@code ednsSize} unless it is 0. */
    static byte[] query(int id, String name, DnsRecordType type, int ednsSize) {
        DatagramDnsQuery query = new DatagramDnsQuery(null, SERVER, id);
        query.setRecursionDesired(true);
        query.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, type));
        if (ednsSize > 0) {
            query.addRecord(DnsSection.ADDITIONAL, new EdnsOpt(ednsSize));
        }
        return encodeQuery(query);
    }

    static byte[] query(int id, String name, DnsRecordType type) {
        return query(id, name, type, 0);
    }

    /** A query with two questions, which no stub sends. */
    static byte[] twoQuestions(int id) {
        DatagramDnsQuery query = new DatagramDnsQuery(null, SERVER, id);
        query.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion("web", DnsRecordType.A));
        query.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion("db", DnsRecordType.A));
        return encodeQuery(query);
    }

    /** A response as an upstream would send it: {@code name} has {@code address}. */
    static byte[] response(int id, String name, String address) {
        DatagramDnsResponse response = new DatagramDnsResponse(null, CLIENT, id);
        response.setRecursionAvailable(true);
        response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, DnsRecordType.A));
        if (address != null) {
            response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(name, DnsRecordType.A, 300,
                    Unpooled.wrappedBuffer(ipv4(address).getAddress())));
        }
        EmbeddedChannel encoder = new EmbeddedChannel(new DatagramDnsResponseEncoder());
        encoder.writeOutbound(response);
        return bytesOf(encoder.readOutbound());
    }

    static Reply reply(byte[] message) {
        EmbeddedChannel decoder = new EmbeddedChannel(new DatagramDnsResponseDecoder());
        decoder.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(message), CLIENT, SERVER));
        DnsResponse response = decoder.readInbound();
        try {
            List<String> addresses = new ArrayList<>();
            List<Long> ttls = new ArrayList<>();
            for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
                DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
                addresses.add(addressOf(((DnsRawRecord) record).content()));
                ttls.add(record.timeToLive());
            }
            return new Reply(response.id(), response.code(), response.isTruncated(), response.isAuthoritativeAnswer(),
                    response.recordAt(DnsSection.QUESTION).name(), addresses, ttls, message.length);
        } finally {
            response.release();
        }
    }

    /** The ID and question of a query the forwarder sent upstream. */
    static DnsQuery decodeQuery(byte[] message) {
        EmbeddedChannel decoder = new EmbeddedChannel(new DatagramDnsQueryDecoder());
        decoder.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(message), SERVER, CLIENT));
        return decoder.readInbound();
    }

    static int idOf(byte[] message) {
        return ((message[0] & 0xff) << 8) | (message[1] & 0xff);
    }

    static byte[] bytesOf(DatagramPacket packet) {
        try {
            return ByteBufUtil.getBytes(packet.content());
        } finally {
            packet.release();
        }
    }

    static Inet4Address ipv4(String literal) {
        return (Inet4Address) NetUtil.createInetAddressFromIpAddressString(literal);
    }

    private static byte[] encodeQuery(DatagramDnsQuery query) {
        EmbeddedChannel encoder = new EmbeddedChannel(new DatagramDnsQueryEncoder());
        encoder.writeOutbound(query);
        return bytesOf(encoder.readOutbound());
    }

    private static String addressOf(ByteBuf content) {
        try {
            return InetAddress.getByAddress(ByteBufUtil.getBytes(content)).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
