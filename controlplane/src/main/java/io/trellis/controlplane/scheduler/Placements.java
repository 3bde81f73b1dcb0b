package io.trellis.controlplane.scheduler;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.PortConfig;
import io.trellis.controlplane.store.Resources;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Live task counts per node and per service on a node, the host-mode ports their tasks hold and the CPU and
 * memory they reserve, updated as a round places tasks.
 */
final class Placements {
    private final Map<String, Integer> total = new HashMap<>();
    private final Map<String, Integer> perService = new HashMap<>();
    private final Map<String, Set<String>> hostPorts = new HashMap<>();
    private final Map<String, long[]> reserved = new HashMap<>();
    private final ClusterSnapshot state;

    Placements(ClusterSnapshot state) {
        this.state = state;
        for (Task t : state.tasks().values()) {
            if (t.nodeId() != null && t.desiredState().compareTo(TaskState.RUNNING) <= 0
                    && !t.status().state().isTerminal()) {
                add(t.serviceId(), t.nodeId());
                reserve(t.nodeId(), t.container().resources());
            }
        }
    }

    void add(String serviceId, String nodeId) {
        total.merge(nodeId, 1, Integer::sum);
        perService.merge(serviceId + "/" + nodeId, 1, Integer::sum);
        Service s = state.services().get(serviceId);
        if (s != null) {
            for (PortConfig p : s.spec().hostPorts()) {
                hostPorts.computeIfAbsent(nodeId, n -> new HashSet<>()).add(key(p));
            }
        }
    }

    /** Counts a task's reservations on the node it was placed on. */
    void reserve(String nodeId, Resources r) {
        if (r.reserves()) {
            long[] sum = reserved.computeIfAbsent(nodeId, n -> new long[2]);
            sum[0] += r.reserveNanoCpus();
            sum[1] += r.reserveMemoryBytes();
        }
    }

    /** Whether the node can hold {@code wanted} on top of what its live tasks reserve; unknown capacity can. */
    boolean fits(Node node, Resources wanted) {
        if (!wanted.reserves() || node.resources() == null) {
            return true;
        }
        long[] sum = reserved.getOrDefault(node.id(), new long[2]);
        return node.resources().fits(sum[0], sum[1], wanted);
    }

    /** The first of {@code ports} a live task on the node already holds, or null. */
    PortConfig hostPortTaken(String nodeId, List<PortConfig> ports) {
        Set<String> held = hostPorts.getOrDefault(nodeId, Set.of());
        for (PortConfig p : ports) {
            if (held.contains(key(p))) {
                return p;
            }
        }
        return null;
    }

    private static String key(PortConfig p) {
        return p.published() + "/" + p.protocol();
    }

    int ofService(String serviceId, String nodeId) {
        return perService.getOrDefault(serviceId + "/" + nodeId, 0);
    }

    int total(String nodeId) {
        return total.getOrDefault(nodeId, 0);
    }

    /** Spread: fewer tasks of this service first, then fewer tasks in all. */
    int compare(String serviceId, String a, String b) {
        int c = Integer.compare(ofService(serviceId, a), ofService(serviceId, b));
        return c != 0 ? c : Integer.compare(total(a), total(b));
    }
}
