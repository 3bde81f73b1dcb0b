package io.trellis.ingress.proxy;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/** What one TCP listener did; updated from every event loop, read from anywhere. */
public final class TcpProxyCounters {
    final LongAdder accepted = new LongAdder();
    final LongAdder active = new LongAdder();
    private final Map<ConnectFailure, LongAdder> connectFailures = new EnumMap<>(ConnectFailure.class);
    final LongAdder idleCloses = new LongAdder();
    final LongAdder resetsSent = new LongAdder();
    final LongAdder bytesFromClients = new LongAdder();
    final LongAdder bytesFromBackends = new LongAdder();
    final LongAdder readPauses = new LongAdder();
    final LongAccumulator peakPendingWriteBytes = new LongAccumulator(Math::max, 0);
    private volatile LongConsumer connectLatency = nanos -> { };

    TcpProxyCounters() {
        for (ConnectFailure reason : ConnectFailure.values()) {
            connectFailures.put(reason, new LongAdder());
        }
    }

    void connectFailed(ConnectFailure reason) {
        connectFailures.get(reason).increment();
    }

    void connected(long nanos) {
        connectLatency.accept(nanos);
    }

    /** Where the time from starting a backend connection to its establishment goes (a metrics histogram). */
    public void onConnectLatency(LongConsumer sink) {
        this.connectLatency = sink;
    }

    public long accepted() {
        return accepted.sum();
    }

    /** Client connections open now, connecting ones included. */
    public long active() {
        return active.sum();
    }

    public long connectFailures(ConnectFailure reason) {
        return connectFailures.get(reason).sum();
    }

    public long idleCloses() {
        return idleCloses.sum();
    }

    /** Client connections closed with an RST by the proxy (no backend, idle, backend removed or reset). */
    public long resetsSent() {
        return resetsSent.sum();
    }

    public long bytesFromClients() {
        return bytesFromClients.sum();
    }

    public long bytesFromBackends() {
        return bytesFromBackends.sum();
    }

    /** How often a side stopped reading because the other side's send buffer was full. */
    public long readPauses() {
        return readPauses.sum();
    }

    /** The most bytes ever queued in the proxy towards one socket: what backpressure keeps bounded. */
    public long peakPendingWriteBytes() {
        return peakPendingWriteBytes.get();
    }
}
