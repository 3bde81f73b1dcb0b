package io.trellis.ipvs.lvs;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A destination (real server) of a virtual service: what {@code ipvsadm -a} adds. The connection
 * counts and {@code stats} are only read from the kernel; what is sent leaves them 0 and
 * {@code null}.
 *
 * @param port 0 to 65535; for a firewall-mark service 0 keeps the port each packet had
 * @param weight 0 quiesces the server: no new connections, existing ones stay
 * @param upperThreshold connections above which the server gets no new ones; 0 for no limit
 * @param lowerThreshold connections below which an overloaded server takes new ones again
 */
public record RealServer(InetAddress address, int port, int weight, ForwardMethod method, int upperThreshold,
        int lowerThreshold, int activeConnections, int inactiveConnections, int persistentConnections,
        IpvsStats stats) {

    public RealServer {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(method, "method");
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port + " is not within 0..65535");
        }
        if (weight < 0 || upperThreshold < 0 || lowerThreshold < 0) {
            throw new IllegalArgumentException("weight and thresholds are not negative: " + weight + " "
                    + upperThreshold + " " + lowerThreshold);
        }
    }

    /** A NAT destination without thresholds. */
    public static RealServer masq(InetAddress address, int port, int weight) {
        return of(address, port, weight, ForwardMethod.MASQ);
    }

    /** A destination forwarded by {@code method}, without thresholds. */
    public static RealServer of(InetAddress address, int port, int weight, ForwardMethod method) {
        return new RealServer(address, port, weight, method, 0, 0, 0, 0, 0, null);
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }
}
