package io.trellis.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The http workload on the wire: what it says about the client with and without a PROXY header, keep-alive. */
class WhoamiHttpServerTest {
    private static final WorkloadIdentity WEB_1 = new WorkloadIdentity("web.1", "t0k3n", "web", "node1");
    private static final String PROXY_V1 = "PROXY TCP4 203.0.113.7 127.0.0.1 4242 80\r\n";

    private WhoamiHttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = WhoamiHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), WEB_1);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RawHttp connect() throws Exception {
        return new RawHttp(server.localAddress());
    }

    @Test
    void withoutAHeaderTheClientIsThePeer() throws Exception {
        try (RawHttp client = connect()) {
            RawHttp.Reply reply = client.write(RawHttp.get("/x")).read();

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo("task: web.1\ntask-id: t0k3n\nservice: web\nnode: node1\n"
                    + "RemoteAddr: " + client.localAddress() + "\nClientAddr: " + client.localAddress() + "\n"
                    + "ProxyProtocol: none\nmethod: GET\npath: /x\n");
        }
    }

    @Test
    void aV1HeaderNamesTheClient() throws Exception {
        try (RawHttp client = connect()) {
            RawHttp.Reply reply = client.write(PROXY_V1 + RawHttp.get("/v1")).read();

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).contains("RemoteAddr: " + client.localAddress() + "\n",
                    "ClientAddr: 203.0.113.7:4242\n", "ProxyProtocol: v1\n", "path: /v1\n");
        }
    }

    @Test
    void aV2HeaderNamesTheClientInJsonToo() throws Exception {
        try (RawHttp client = connect()) {
            client.write(v2(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
                    HAProxyProxiedProtocol.TCP4, "203.0.113.7", "127.0.0.1", 4242, 80)));
            RawHttp.Reply reply = client.write(RawHttp.get("/v2?format=json")).read();

            assertThat(reply.header("Content-Type")).isEqualTo("application/json");
            assertThat(reply.body()).contains("\"remoteAddr\":\"" + client.localAddress() + "\"",
                    "\"clientAddr\":\"203.0.113.7:4242\"", "\"proxyProtocol\":\"v2\"");
        }
    }

    @Test
    void aV2HeaderWithAnIpv6Client() throws Exception {
        try (RawHttp client = connect()) {
            client.write(v2(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
                    HAProxyProxiedProtocol.TCP6, "2001:db8::7", "2001:db8::1", 4242, 80)));

            assertThat(client.write(RawHttp.get("/")).read().body()).contains("ClientAddr: [2001:db8::7]:4242\n");
        }
    }

    /** A proxy's own health check (v2 LOCAL) names no client: the peer stays the client. */
    @Test
    void aV2LocalHeaderLeavesThePeerAsTheClient() throws Exception {
        try (RawHttp client = connect()) {
            client.write(v2(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.LOCAL,
                    HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0)));

            assertThat(client.write(RawHttp.get("/")).read().body())
                    .contains("ClientAddr: " + client.localAddress() + "\n", "ProxyProtocol: v2\n");
        }
    }

    /** The first bytes come a few at a time: the server waits for enough to tell, whatever follows. */
    @Test
    void headersAndRequestsSplitIntoSmallWritesAreTold() throws Exception {
        try (RawHttp proxied = connect(); RawHttp plain = connect()) {
            proxied.write("PRO").write("XY TCP4 203.0.1").write("13.7 127.0.0.1 4242 80\r\nGET / HT")
                    .write("TP/1.1\r\nHost: w\r\n\r\n");
            plain.write("GE").write("T /plain HTTP/1.1\r\nHost: w\r\n\r\n");

            assertThat(proxied.read().body()).contains("ClientAddr: 203.0.113.7:4242\n");
            assertThat(plain.read().body()).contains("ClientAddr: " + plain.localAddress() + "\n", "path: /plain\n");
        }
    }

    @Test
    void aMalformedHeaderClosesTheConnection() throws Exception {
        try (RawHttp client = connect()) {
            client.write("PROXY TCP4 203.0.113.999 127.0.0.1 4242 80\r\n");

            assertThat(client.readEnd()).isEqualTo(-1);
        }
    }

    @Test
    void aHeaderLaterInTheConnectionIsNotHonoured() throws Exception {
        try (RawHttp client = connect()) {
            assertThat(client.write(PROXY_V1 + RawHttp.get("/first")).read().body())
                    .contains("ClientAddr: 203.0.113.7:4242\n");

            RawHttp.Reply second = client.write("PROXY TCP4 198.51.100.9 127.0.0.1 5353 80\r\n" + RawHttp.get("/second"))
                    .read();

            assertThat(second.status()).isEqualTo(400);
            assertThat(second.header("Connection")).isEqualTo("close");
            assertThat(second.body()).doesNotContain("198.51.100.9");
            assertThat(client.readEnd()).isEqualTo(-1);
        }
    }

    @Test
    void aHeaderAfterAPlainFirstRequestIsNotHonouredEither() throws Exception {
        try (RawHttp client = connect()) {
            client.write(RawHttp.get("/first")).read();

            RawHttp.Reply second = client.write(PROXY_V1 + RawHttp.get("/second")).read();

            assertThat(second.status()).isEqualTo(400);
            assertThat(second.body()).doesNotContain("203.0.113.7");
        }
    }

    @Test
    void keepAliveServesTwoRequestsOnOneConnection() throws Exception {
        try (RawHttp client = connect()) {
            RawHttp.Reply first = client.write(PROXY_V1 + RawHttp.get("/one")).read();
            RawHttp.Reply second = client.write(RawHttp.get("/two")).read();

            assertThat(first.header("Connection")).isNull();
            assertThat(first.body()).contains("path: /one\n");
            // Same connection, so the same peer, and the header still names the client.
            assertThat(second.body()).contains("RemoteAddr: " + client.localAddress() + "\n",
                    "ClientAddr: 203.0.113.7:4242\n", "path: /two\n");
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawHttp client = connect()) {
            RawHttp.Reply reply = client.write("GET / HTTP/1.1\r\nHost: w\r\nConnection: close\r\n\r\n").read();

            assertThat(reply.header("Connection")).isEqualTo("close");
            assertThat(client.readEnd()).isEqualTo(-1);
        }
    }

    @Test
    void anOversizedBodyIsRefused() throws Exception {
        try (RawHttp client = connect()) {
            RawHttp.Reply reply = client.write("POST / HTTP/1.1\r\nHost: w\r\nContent-Length: 1000000\r\n\r\n").read();

            assertThat(reply.status()).isEqualTo(413);
        }
    }

    /** The bytes of a PROXY v2 header, from Netty's encoder. */
    static byte[] v2(HAProxyMessage header) {
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(header);
        ByteBuf encoded = encoder.readOutbound();
        try {
            return ByteBufUtil.getBytes(encoded);
        } finally {
            encoded.release();
            encoder.finishAndReleaseAll();
        }
    }
}
