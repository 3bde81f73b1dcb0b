package io.trellis.dataplane.balance;

/**
 * A service's current balancer, replaced whole when its backends change: readers take {@link #current()}
 * (one volatile read, no lock) and use that snapshot for the whole flow; {@link #update} builds the next
 * balancer off the hot path, carrying its counters over.
 */
public final class LiveBalancer {
    private volatile Balancer current;

    public LiveBalancer(Balancer initial) {
        this.current = initial;
    }

    public Balancer current() {
        return current;
    }

    /** Builds and publishes a balancer over {@code next}; concurrent updates apply one after the other. */
    public synchronized Balancer update(BackendSet next) {
        Balancer b = current.withBackends(next);
        current = b;
        return b;
    }
}
