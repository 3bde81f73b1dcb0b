package io.trellis.ingress.proxy;

import java.time.Duration;

/**
 * Per-listener TCP settings. The idle timeout is taken as given (rounded up to a millisecond): there is no
 * floor or cap that would make it shorter than asked; zero or negative values are refused.
 */
public record TcpProxyOptions(Duration connectTimeout, Duration idleTimeout, ProxyProtocol proxyProtocol) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(2);

    public TcpProxyOptions {
        Timeouts.positiveMillis("connect timeout", connectTimeout);
        Timeouts.positiveMillis("idle timeout", idleTimeout);
        if (connectTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("connect timeout too long: " + connectTimeout);
        }
        if (proxyProtocol == null) {
            throw new IllegalArgumentException("proxy protocol must be NONE, V1 or V2");
        }
    }

    public static TcpProxyOptions defaults() {
        return new TcpProxyOptions(DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT, ProxyProtocol.NONE);
    }

    public TcpProxyOptions withConnectTimeout(Duration timeout) {
        return new TcpProxyOptions(timeout, idleTimeout, proxyProtocol);
    }

    public TcpProxyOptions withIdleTimeout(Duration timeout) {
        return new TcpProxyOptions(connectTimeout, timeout, proxyProtocol);
    }

    public TcpProxyOptions withProxyProtocol(ProxyProtocol protocol) {
        return new TcpProxyOptions(connectTimeout, idleTimeout, protocol);
    }

    int connectTimeoutMillis() {
        return (int) Timeouts.positiveMillis("connect timeout", connectTimeout);
    }

    long idleTimeoutMillis() {
        return Timeouts.positiveMillis("idle timeout", idleTimeout);
    }
}
