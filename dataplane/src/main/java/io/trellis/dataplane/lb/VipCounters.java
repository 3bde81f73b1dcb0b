package io.trellis.dataplane.lb;

import io.trellis.dataplane.balance.ActiveConnections;
import io.trellis.dataplane.balance.BackendSet;
import io.trellis.dataplane.balance.Balancer;
import io.trellis.dataplane.balance.BalancerFactory;
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
 * task, and per VIP its balancing state: the cursor (rr's turn, least-conn's tie rotation: a rebuild
 * for an unrelated endpoint does not send the next flow back to the first backend), the open
 * connections least-conn counts, and the last balancer (a rebuild that changes neither the VIP's
 * algorithm nor its backends reuses it, and so builds no Maglev table). Control-plane threads only,
 * under the caller's lock.
 */
public final class VipCounters {
    private final Map<Integer, AtomicLong> cursors = new HashMap<>();
    private final Map<Integer, ActiveConnections> connections = new HashMap<>();
    private final Map<Integer, Balancer> balancers = new HashMap<>();
    private final Map<Key, BackendCounters> backends = new HashMap<>();

    private record Key(int vip, String taskId) {
    }

    public BackendCounters backend(int vip, String taskId) {
        return backends.computeIfAbsent(new Key(vip, taskId), k -> new BackendCounters());
    }

    /**
     * The TCP connections to task {@code taskId} that this node's NAT holds open for {@code vip}, as
     * {@code least-conn} counts them (from the SYN to the first FIN or RST, or the flow's expiry); 0
     * while the VIP has never been balanced by {@code least-conn}.
     */
    public int openConnections(int vip, String taskId) {
        ActiveConnections c = connections.get(vip);
        return c == null ? 0 : c.active(taskId);
    }

    /**
     * The balancer of {@code vip} for a new snapshot: the last one if it has {@code algorithm} and
     * the same backends, else a new one over {@code set} with the VIP's cursor and counts.
     */
    Balancer balancer(int vip, String algorithm, BackendSet set) {
        Balancer last = balancers.get(vip);
        if (last != null && last.algorithm().equals(algorithm) && last.backends().backends().equals(set.backends())) {
            return last;
        }
        ActiveConnections open = connections.computeIfAbsent(vip, v -> new ActiveConnections());
        Balancer b = BalancerFactory.of(algorithm, set, BalancerFactory.DEFAULT_MAGLEV_TABLE_SIZE, open,
                cursors.computeIfAbsent(vip, v -> new AtomicLong()));
        balancers.put(vip, b);
        return b;
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
        connections.keySet().retainAll(vips);
        balancers.keySet().retainAll(vips);
        backends.keySet().retainAll(keys);
    }
}
