package io.trellis.controlplane.api;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.CommitListener;
import io.trellis.controlplane.store.NetworkAllocator;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Waits for the tasks that still hold addresses on some networks to end. Right after
 * {@code service rm} its tasks are only told to stop; {@code network rm} typed next would be refused
 * for a few seconds, so it waits for them, woken by each commit, for a bounded time.
 */
final class EndpointDrain {
    private EndpointDrain() {
    }

    /** @return per network ID, the tasks still holding an address there when the wait ended (empty: none) */
    static Map<String, Long> await(ClusterStore store, Collection<String> networkIds, Duration timeout) {
        Object lock = new Object();
        CommitListener wake = (before, after) -> {
            synchronized (lock) {
                lock.notifyAll();
            }
        };
        store.addListener(wake);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                ClusterSnapshot view = store.view();
                Map<String, Long> holding = holding(view, networkIds);
                long left = deadline - System.nanoTime();
                if (holding.isEmpty() || left <= 0) {
                    return holding;
                }
                synchronized (lock) {
                    // Only if nothing committed since the view above: a commit in between is not missed.
                    if (store.view().index() == view.index()) {
                        lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return holding(store.view(), networkIds);
        } finally {
            store.removeListener(wake);
        }
    }

    static Map<String, Long> holding(ClusterSnapshot view, Collection<String> networkIds) {
        Map<String, Long> holding = new LinkedHashMap<>();
        for (String id : networkIds) {
            long n = NetworkAllocator.endpointCount(view.tasks().values(), id);
            if (n > 0) {
                holding.put(id, n);
            }
        }
        return holding;
    }
}
