package io.trellis.dataplane.balance;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Weighted least connections: the backend with the fewest open connections per unit of weight
 * ({@code active / weight}, compared as cross products); among equals the scan's start rotates, so ties
 * go round robin. Counts live in {@link ActiveConnections}, looked up once per set, so a pick reads
 * plain atomics. Counts are read without a lock: two flows picked at once may both see the same
 * minimum, which the next picks even out.
 */
final class LeastConnectionsBalancer implements Balancer {
    static final String NAME = "least-conn";

    private final BackendSet backends;
    private final ActiveConnections connections;
    private final AtomicInteger[] active;
    private final AtomicLong rotation;

    LeastConnectionsBalancer(BackendSet backends, ActiveConnections connections, AtomicLong rotation) {
        this.backends = backends;
        this.connections = connections;
        this.rotation = rotation;
        this.active = new AtomicInteger[backends.size()];
        for (int i = 0; i < active.length; i++) {
            active[i] = connections.counter(backends.get(i).id());
        }
        connections.retain(backends);
    }

    @Override
    public String algorithm() {
        return NAME;
    }

    @Override
    public BackendSet backends() {
        return backends;
    }

    @Override
    public Backend pick(long flowHash) {
        return least(-1);
    }

    @Override
    public Backend pickExcluding(long flowHash, Backend failed) {
        return least(failed == null ? -1 : backends.indexOf(failed.id()));
    }

    @Override
    public boolean countsConnections() {
        return true;
    }

    @Override
    public void opened(Backend backend) {
        connections.opened(backend.id());
    }

    @Override
    public void closed(Backend backend) {
        connections.closed(backend.id());
    }

    @Override
    public Balancer withBackends(BackendSet next) {
        return new LeastConnectionsBalancer(next, connections, rotation);
    }

    private Backend least(int excluded) {
        int n = active.length;
        if (n == 0) {
            return null;
        }
        int start = (int) Long.remainderUnsigned(rotation.getAndIncrement(), n);
        int best = -1;
        long bestActive = 0;
        long bestWeight = 1;
        for (int k = 0; k < n; k++) {
            int i = start + k < n ? start + k : start + k - n;
            if (i == excluded) {
                continue;
            }
            long a = active[i].get();
            long w = backends.get(i).weight();
            // a / w < bestActive / bestWeight, without division.
            if (best < 0 || a * bestWeight < bestActive * w) {
                best = i;
                bestActive = a;
                bestWeight = w;
            }
        }
        return best < 0 ? null : backends.get(best);
    }
}
