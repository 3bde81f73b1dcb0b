package io.trellis.daemon;

import io.trellis.controlplane.api.ApiException;

/**
 * The addresses a user gives {@code swarm init} and {@code swarm join}: checked here so a bad one is
 * refused with a one-line message naming the flag, before anything is written to disk.
 */
final class NodeAddresses {
    private NodeAddresses() {
    }

    /** {@code --advertise-addr}: an IP address; blank means {@code fallback} (the agent's own). */
    static String advertise(String advertiseAddr, String fallback) {
        String addr = advertiseAddr == null || advertiseAddr.isBlank() ? fallback : advertiseAddr;
        if (!addr.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw ApiException.invalid("invalid --advertise-addr \"" + addr + "\": expected an IP address");
        }
        return addr;
    }

    /** {@code --listen-addr}: IP, IP:PORT, or (default) the advertise address on port 2377. */
    static String listen(String listenAddr, String advertise) {
        if (listenAddr == null || listenAddr.isBlank()) {
            return hostPort(advertise, AgentConfiguration.CLUSTER_PORT_DEFAULT);
        }
        if (listenAddr.matches("[0-9.]+")) {
            return listenAddr + ":" + AgentConfiguration.CLUSTER_PORT_DEFAULT;
        }
        if (!listenAddr.matches("[0-9.]+:\\d{1,5}|\\[[0-9a-fA-F:]+\\]:\\d{1,5}")) {
            throw ApiException.invalid("invalid --listen-addr \"" + listenAddr + "\": expected IP[:PORT]");
        }
        int port = Integer.parseInt(listenAddr.substring(listenAddr.lastIndexOf(':') + 1));
        if (port < 1 || port > 65535) {
            throw ApiException.invalid("invalid --listen-addr \"" + listenAddr + "\": port must be 1-65535");
        }
        return listenAddr;
    }

    /** The manager {@code swarm join} asks: HOST:PORT or [IPv6]:PORT. */
    static String manager(String remote) {
        if (remote == null || !remote.matches("[^:\\s]+:\\d{1,5}|\\[[0-9a-fA-F:]+\\]:\\d{1,5}")) {
            throw ApiException.invalid("invalid manager address \"" + remote
                    + "\": expected HOST:PORT, e.g. 10.0.0.1:2377");
        }
        return remote;
    }

    /** {@code addr:port}, with an IPv6 address in brackets. */
    static String hostPort(String addr, int port) {
        return addr.contains(":") ? "[" + addr + "]:" + port : addr + ":" + port;
    }
}
