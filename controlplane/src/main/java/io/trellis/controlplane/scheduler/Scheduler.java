package io.trellis.controlplane.scheduler;

import io.trellis.controlplane.reconcile.Reconciler;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Resources;
import io.trellis.controlplane.store.Service;
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
 * Places pending tasks on nodes (swarmkit {@code scheduler}). A node must pass every
 * {@link NodeFilter} of the task's service: ready, availability active, placement constraints,
 * {@code --replicas-max-per-node}, host-mode ports, the task's CPU and memory reservations. Among
 * those that do, the service's {@code --placement-pref} spreads pick a branch ({@link SpreadPreferences}), then
 * each service is spread (fewest of its tasks), then by total load. A task no
 * node can take stays pending and its error says why, in swarmkit's words
 * ({@code no suitable node (scheduling constraints not satisfied on 3 nodes)}), which {@code service ps} shows. Global tasks are created on their node and never pass here.
 */
public final class Scheduler implements Reconciler {
    public static final String PENDING_MESSAGE = "pending task scheduling";

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
        Placements placements = new Placements(state);
        List<Node> nodes = state.nodes().values().stream().sorted(Comparator.comparing(Node::id)).toList();
        Map<String, List<NodeFilter>> pipelines = new HashMap<>();
        List<StoreOp> ops = new ArrayList<>();
        for (Task t : pending) {
            Service service = state.services().get(t.serviceId());
            if (service == null) {
                continue; // being removed; the reaper shuts it down
            }
            Resources reserves = t.container().resources();
            List<NodeFilter> filters = pipelines.computeIfAbsent(service.id() + "/" + reserves,
                    key -> NodeFilter.pipeline(service, reserves, placements));
            int[] failures = new int[filters.size()];
            List<Node> candidates = new ArrayList<>();
            for (Node n : nodes) {
                int failed = firstFailing(filters, n);
                if (failed >= 0) {
                    failures[failed]++;
                } else {
                    candidates.add(n);
                }
            }
            if (candidates.isEmpty()) {
                String why = "no suitable node" + explain(nodes.isEmpty(), filters, failures);
                if (!why.equals(t.status().error())) {
                    ops.add(new StoreOp.ReportTaskStatus(t.id(),
                            TaskStatus.of(TaskState.PENDING, now, PENDING_MESSAGE).withError(why)));
                }
                continue;
            }
            Node best = SpreadPreferences.best(service.spec().preferences(), t.serviceId(), candidates, placements);
            placements.add(t.serviceId(), best.id());
            placements.reserve(best.id(), reserves);
            ops.add(new StoreOp.AssignTask(t.id(), best.id(), TaskStatus.of(TaskState.ASSIGNED, now, "scheduled")));
        }
        return ops;
    }

    private static int firstFailing(List<NodeFilter> filters, Node n) {
        for (int i = 0; i < filters.size(); i++) {
            if (!filters.get(i).accepts(n)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Like swarmkit's {@code Pipeline.Explain}: each node counted under the first filter it failed,
     * the filter that turned most nodes away first, joined by "; ".
     */
    static String explain(boolean noNodes, List<NodeFilter> filters, int[] failures) {
        if (noNodes) {
            return " (no nodes in the cluster)";
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            if (failures[i] > 0) {
                order.add(i);
            }
        }
        order.sort(Comparator.comparingInt((Integer i) -> failures[i]).reversed()); // stable: ties keep filter order
        List<String> parts = new ArrayList<>();
        for (int i : order) {
            parts.add(filters.get(i).explain(failures[i]));
        }
        return parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")";
    }
}
