package io.trellis.controlplane.scheduler;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import java.util.HashMap;
import java.util.Map;

/** Live task counts per node and per service on a node, updated as a round places tasks. */
final class Placements {
    private final Map<String, Integer> total = new HashMap<>();
    private final Map<String, Integer> perService = new HashMap<>();

    Placements(ClusterSnapshot state) {
        for (Task t : state.tasks().values()) {
            if (t.nodeId() != null && t.desiredState().compareTo(TaskState.RUNNING) <= 0
                    && !t.status().state().isTerminal()) {
                add(t.serviceId(), t.nodeId());
            }
        }
    }

    void add(String serviceId, String nodeId) {
        total.merge(nodeId, 1, Integer::sum);
        perService.merge(serviceId + "/" + nodeId, 1, Integer::sum);
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
