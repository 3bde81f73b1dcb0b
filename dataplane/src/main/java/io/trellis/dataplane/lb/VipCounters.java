package io.trellis.dataplane.lb;

import io.trellis.dataplane.model.VipBackend;
import io.trellis.dataplane.model.VipService;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One network's VIP state that outlives table rebuilds: each backend's counters, keyed by VIP and
 * task, and each VIP's round-robin cursor (a rebuild for an unrelated endpoint does not send the
 * next flow back to the first backend). Control-plane threads only, under the caller's lock.
 */
public final class VipCounters {
    private final Map<Integer, AtomicLong> cursors = new HashMap<>();
    private final Map<Key, BackendCounters> backends = new HashMap<>();

    private record Key(int vip, String taskId) {
    }

    public BackendCounters backend(int vip, String taskId) {
        return backends.computeIfAbsent(new Key(vip, taskId), k -> new BackendCounters());
    }

    AtomicLong cursor(int vip) {
        return cursors.computeIfAbsent(vip, v -> new AtomicLong());
    }

    /** Forgets VIPs and backends that {@code services} no longer lists, so the registry does not grow forever. */
    public void retain(List<VipService> services) {
        Set<Integer> vips = new HashSet<>();
        Set<Key> keys = new HashSet<>();
        for (VipService s : services) {
            vips.add(s.vip());
            for (VipBackend b : s.backends()) {
                keys.add(new Key(s.vip(), b.taskId()));
            }
        }
        cursors.keySet().retainAll(vips);
        backends.keySet().retainAll(keys);
    }
}
