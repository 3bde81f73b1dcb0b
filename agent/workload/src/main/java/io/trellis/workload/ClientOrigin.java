package io.trellis.workload;

import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Who is on the other end of a connection: the TCP peer the server saw ({@code remoteAddr}) and
 * the client the request came from ({@code clientAddr}). They differ only when a proxy in between
 * said so in a PROXY protocol header ({@code proxyProtocol} {@code v1} or {@code v2}, else
 * {@code none}).
 */
record ClientOrigin(String remoteAddr, String clientAddr, String proxyProtocol) {
    static final String NO_PROXY_HEADER = "none";

    /** A connection without a PROXY header: the peer is the client. */
    static ClientOrigin direct(InetSocketAddress peer) {
        String remote = NetUtil.toSocketAddressString(peer);
        return new ClientOrigin(remote, remote, NO_PROXY_HEADER);
    }

    /**
     * A connection that began with {@code header}. A header that carries no address (v2 LOCAL, a
     * proxy's own health check; v1 UNKNOWN) leaves the peer as the client, as the specification asks.
     */
    static ClientOrigin proxied(InetSocketAddress peer, HAProxyMessage header) {
        String version = header.protocolVersion() == HAProxyProtocolVersion.V1 ? "v1" : "v2";
        String remote = NetUtil.toSocketAddressString(peer);
        String source = header.sourceAddress();
        if (source == null) {
            return new ClientOrigin(remote, remote, version);
        }
        return new ClientOrigin(remote, address(header.proxiedProtocol(), source, header.sourcePort()), version);
    }

    private static String address(HAProxyProxiedProtocol protocol, String host, int port) {
        switch (protocol.addressFamily()) {
            case AF_IPv4:
            case AF_IPv6:
                // Checked by the decoder; read back without a lookup to be written as the peer is ([2001:db8::7]:4242).
                InetAddress ip = NetUtil.createInetAddressFromIpAddressString(host);
                return ip == null ? host + ":" + port : NetUtil.toSocketAddressString(new InetSocketAddress(ip, port));
            default:
                return host; // a Unix socket path has no port
        }
    }
}
