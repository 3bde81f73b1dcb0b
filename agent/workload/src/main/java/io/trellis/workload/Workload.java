package io.trellis.workload;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** A running workload server. */
public interface Workload extends AutoCloseable {

    /** The bound address, with the real port when 0 was asked for. */
    InetSocketAddress localAddress();

    /** Stops serving and frees the port; idempotent. */
    @Override
    void close();

    /** {@code 10.0.0.5:43122} or {@code [fe80::1]:43122}, without a reverse DNS lookup. */
    static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
