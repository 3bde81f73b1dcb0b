package io.trellis.controlplane.scheduler;

import io.trellis.controlplane.reconcile.Reconciler;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Places pending tasks on nodes (swarmkit {@code scheduler}): only ready nodes whose availability is
 * active, spreading each service first (fewest of its tasks), then by total load. A task no node
 * can take stays pending with the reason, which {@code service ps} shows.
 */
public final class Scheduler implements Reconciler {

    @Override
    public String name() {
        return "scheduler";
    }

    @Override
    public List<StoreOp> reconcile(ClusterSnapshot state, long now) {
        List<Task> pending = state.tasks().values().stream()
                .filter(t -> t.nodeId() == null && t.desiredState() == TaskState.RUNNING
                        && t.status().state() == TaskState.PENDING)
                .sorted(Comparator.comparingLong(Task::createdAt).thenComparing(Task::id))
                .toList();
        if (pending.isEmpty()) {
            return List.of();
        }
        Load load = new Load(state);
        List<Node> candidates = state.nodes().values().stream()
                .filter(n -> n.status() == Node.Status.READY && n.availability() == Node.Availability.ACTIVE)
                .sorted(Comparator.comparing(Node::id))
                .toList();
        List<StoreOp> ops = new ArrayList<>();
        for (Task t : pending) {
            Node best = null;
            for (Node n : candidates) {
                if (best == null || load.compare(t.serviceId(), n, best) < 0) {
                    best = n;
                }
            }
            if (best == null) {
                String why = "no suitable node (" + explain(state) + ")";
                if (!why.equals(t.status().message())) {
                    ops.add(new StoreOp.ReportTaskStatus(t.id(), TaskStatus.of(TaskState.PENDING, now, why)));
                }
                continue;
            }
            load.add(t.serviceId(), best.id());
            ops.add(new StoreOp.AssignTask(t.id(), best.id(), TaskStatus.of(TaskState.ASSIGNED, now, "scheduled")));
        }
        return ops;
    }

    /** Why no node qualified, like swarmkit's {@code Filter.Explain}. */
    private static String explain(ClusterSnapshot state) {
        if (state.nodes().isEmpty()) {
            return "no nodes in the cluster";
        }
        long notReady = state.nodes().values().stream().filter(n -> n.status() != Node.Status.READY).count();
        long notActive = state.nodes().values().stream().filter(n -> n.availability() != Node.Availability.ACTIVE).count();
        List<String> parts = new ArrayList<>();
        if (notReady > 0) {
            parts.add(notReady + " node" + (notReady == 1 ? "" : "s") + " not ready");
        }
        if (notActive > 0) {
            parts.add(notActive + " node" + (notActive == 1 ? "" : "s") + " not available for new tasks");
        }
        return String.join(", ", parts);
    }

    /** Live task counts per node, updated as this round places tasks. */
    private static final class Load {
        private final Map<String, Integer> total = new HashMap<>();
        private final Map<String, Integer> perService = new HashMap<>();

        Load(ClusterSnapshot state) {
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

        int compare(String serviceId, Node a, Node b) {
            int c = Integer.compare(perService.getOrDefault(serviceId + "/" + a.id(), 0),
                    perService.getOrDefault(serviceId + "/" + b.id(), 0));
            return c != 0 ? c : Integer.compare(total.getOrDefault(a.id(), 0), total.getOrDefault(b.id(), 0));
        }
    }
}
