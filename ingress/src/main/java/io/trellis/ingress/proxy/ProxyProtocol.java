package io.trellis.ingress.proxy;

import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Whether a TCP listener tells its backends who the client was, and in which PROXY protocol version. */
public enum ProxyProtocol {
    NONE, V1, V2;

    /** The header for a connection from {@code client} to the listener address {@code local}; null for NONE. */
    HAProxyMessage header(InetSocketAddress client, InetSocketAddress local) {
        if (this == NONE) {
            return null;
        }
        HAProxyProtocolVersion version = this == V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2;
        // Both ends come from one accepted socket, so they share an address family.
        HAProxyProxiedProtocol protocol = client.getAddress() instanceof Inet6Address
                ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4;
        return new HAProxyMessage(version, HAProxyCommand.PROXY, protocol,
                client.getAddress().getHostAddress(), local.getAddress().getHostAddress(),
                client.getPort(), local.getPort());
    }
}
