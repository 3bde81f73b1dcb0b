package io.trellis.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ClientOriginTest {
    private static final InetSocketAddress PROXY = new InetSocketAddress("10.0.0.3", 40112);

    @Test
    void aDirectConnectionsClientIsItsPeer() {
        assertThat(ClientOrigin.direct(PROXY)).isEqualTo(new ClientOrigin("10.0.0.3:40112", "10.0.0.3:40112", "none"));
    }

    @Test
    void aV1UnknownHeaderNamesNoClient() {
        HAProxyMessage unknown = new HAProxyMessage(HAProxyProtocolVersion.V1, HAProxyCommand.PROXY,
                HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0);

        assertThat(ClientOrigin.proxied(PROXY, unknown)).isEqualTo(new ClientOrigin("10.0.0.3:40112", "10.0.0.3:40112", "v1"));
        unknown.release();
    }

    @Test
    void aUnixSocketClientIsItsPath() {
        HAProxyMessage unix = new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
                HAProxyProxiedProtocol.UNIX_STREAM, "/run/client.sock", "/run/server.sock", 0, 0);

        assertThat(ClientOrigin.proxied(PROXY, unix).clientAddr()).isEqualTo("/run/client.sock");
        unix.release();
    }
}
