package io.trellis.dataplane.balance;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open connections per backend ID, shared by the successive least-connections balancers of one service:
 * a backend that stays across a change of the set keeps its count. A counter of a backend that left is
 * kept until its connections have closed, so a backend that comes back does not start below its real
 * load.
 */
public final class ActiveConnections {
    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    /** Open connections to the backend named {@code id}. */
    public int active(String id) {
        AtomicInteger c = counts.get(id);
        return c == null ? 0 : c.get();
    }

    void opened(String id) {
        counter(id).incrementAndGet();
    }

    /** Never below zero: a close without its open (a counter dropped and re-made) must not skew picks. */
    void closed(String id) {
        AtomicInteger c = counts.get(id);
        if (c == null) {
            return;
        }
        int v;
        do {
            v = c.get();
            if (v == 0) {
                return;
            }
        } while (!c.compareAndSet(v, v - 1));
    }

    /** The live counter of {@code id}, made on first use. Allocation-free once it exists. */
    AtomicInteger counter(String id) {
        AtomicInteger c = counts.get(id);
        return c != null ? c : counts.computeIfAbsent(id, k -> new AtomicInteger());
    }

    /** Drops the idle counters of backends no longer in {@code set}. */
    void retain(BackendSet set) {
        for (var e : counts.entrySet()) {
            if (!set.contains(e.getKey()) && e.getValue().get() == 0) {
                counts.remove(e.getKey(), e.getValue());
            }
        }
    }

    /** How many backends have a counter (tests: idle counters of removed backends are dropped). */
    int tracked() {
        return counts.size();
    }
}
