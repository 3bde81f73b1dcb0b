package io.trellis.loadtest;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * {@code --target HOST:PORT} as given ({@code [::1]:80} for an IPv6 literal): the host keeps its
 * name for the HTTP {@code Host} header; {@link #resolve} gives the address to check and connect to.
 */
public record TargetAddress(String host, int port) {
    public TargetAddress {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("no host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range; use 1-65535");
        }
    }

    /** @throws IllegalArgumentException with a message that completes "invalid --target X: " */
    public static TargetAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("no port; use HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("an IPv6 address goes in brackets: [ADDRESS]:PORT");
        }
        String port = text.substring(colon + 1);
        if (!port.matches("\\d{1,5}")) {
            throw new IllegalArgumentException("port \"" + port + "\" is not a number; use HOST:PORT");
        }
        return new TargetAddress(host, Integer.parseInt(port));
    }

    /** The first address the host name resolves to: the one a connection would go to. */
    public InetSocketAddress resolve() throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /** {@code host:port}, brackets around an IPv6 literal: the {@code Host} header's form. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
