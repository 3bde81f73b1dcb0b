package io.trellis.ingress.proxy;

import java.time.Duration;

/** Per-listener UDP settings: how long a quiet flow keeps its backend, and how many flows may exist at once. */
public record UdpProxyOptions(Duration flowIdleTimeout, int maxFlows) {
    public static final Duration DEFAULT_FLOW_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_FLOWS = 65_536;

    public UdpProxyOptions {
        Timeouts.positiveMillis("flow idle timeout", flowIdleTimeout);
        if (maxFlows < 1) {
            throw new IllegalArgumentException("max flows must be at least 1, got " + maxFlows);
        }
    }

    public static UdpProxyOptions defaults() {
        return new UdpProxyOptions(DEFAULT_FLOW_IDLE_TIMEOUT, DEFAULT_MAX_FLOWS);
    }

    public UdpProxyOptions withFlowIdleTimeout(Duration timeout) {
        return new UdpProxyOptions(timeout, maxFlows);
    }

    public UdpProxyOptions withMaxFlows(int max) {
        return new UdpProxyOptions(flowIdleTimeout, max);
    }

    long flowIdleTimeoutMillis() {
        return Timeouts.positiveMillis("flow idle timeout", flowIdleTimeout);
    }
}
