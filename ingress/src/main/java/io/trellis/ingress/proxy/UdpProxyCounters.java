package io.trellis.ingress.proxy;

import java.util.concurrent.atomic.LongAdder;

/** What one UDP listener did; updated on its event loop, read from anywhere. */
public final class UdpProxyCounters {
    final LongAdder flowsCreated = new LongAdder();
    final LongAdder activeFlows = new LongAdder();
    final LongAdder flowsExpired = new LongAdder();
    final LongAdder flowsRejected = new LongAdder();
    final LongAdder noBackendDrops = new LongAdder();
    final LongAdder queueDrops = new LongAdder();
    final LongAdder backendErrors = new LongAdder();
    final LongAdder datagramsFromClients = new LongAdder();
    final LongAdder datagramsFromBackends = new LongAdder();
    final LongAdder bytesFromClients = new LongAdder();
    final LongAdder bytesFromBackends = new LongAdder();

    public long flowsCreated() {
        return flowsCreated.sum();
    }

    public long activeFlows() {
        return activeFlows.sum();
    }

    public long flowsExpired() {
        return flowsExpired.sum();
    }

    /** Datagrams that would have opened a flow beyond the cap, dropped. */
    public long flowsRejected() {
        return flowsRejected.sum();
    }

    /** Datagrams that would have opened a flow while the chooser had no backend, dropped. */
    public long noBackendDrops() {
        return noBackendDrops.sum();
    }

    /** Datagrams dropped because a new flow's socket was not connected yet and its short queue was full. */
    public long queueDrops() {
        return queueDrops.sum();
    }

    /** Errors on backend sockets, mostly ICMP port unreachable; the flow stays until idle. */
    public long backendErrors() {
        return backendErrors.sum();
    }

    public long datagramsFromClients() {
        return datagramsFromClients.sum();
    }

    public long datagramsFromBackends() {
        return datagramsFromBackends.sum();
    }

    public long bytesFromClients() {
        return bytesFromClients.sum();
    }

    public long bytesFromBackends() {
        return bytesFromBackends.sum();
    }
}
