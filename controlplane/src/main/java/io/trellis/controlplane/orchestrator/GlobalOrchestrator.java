package io.trellis.controlplane.orchestrator;

import io.trellis.controlplane.reconcile.Reconciler;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Ids;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps exactly one live task of each global service on every eligible node (swarmkit {@code orchestrator/global}): a
 * node that becomes ready and active (and meets the constraints) gets a task; a task whose node is drained, removed or
 * no longer meets the constraints is shut down and not replaced; an ended task is replaced on the same node as the
 * restart policy says ({@link RestartSupervisor}). A paused node keeps its task but gets no new one. A change of the
 * task template rolls over the nodes through {@link RollingUpdate}, each node a slot. Tasks are created already placed
 * on their node ({@code assigned}), so the scheduler never sees them; they are named {@code service.nodeId}.
 */
public final class GlobalOrchestrator implements Reconciler {

    @Override
    public String name() {
        return "global-orchestrator";
    }

    @Override
    public List<StoreOp> reconcile(ClusterSnapshot state, long now) {
        List<StoreOp> ops = new ArrayList<>();
        List<Node> nodes = state.nodes().values().stream().sorted(Comparator.comparing(Node::id)).toList();
        for (Service service : state.services().values()) {
            if (service.spec().global()) {
                reconcileService(service, state.tasksOf(service.id()), state, nodes, now, ops);
            }
        }
        return ops;
    }

    private static void reconcileService(Service service, List<Task> tasks, ClusterSnapshot state, List<Node> nodes,
                                         long now, List<StoreOp> ops) {
        NodeEligibility rules = NodeEligibility.of(service);
        Map<String, List<Task>> alive = new TreeMap<>();
        for (Task t : tasks) {
            if (t.desiredState().compareTo(TaskState.RUNNING) > 0) {
                continue;
            }
            boolean ended = t.status().state().isTerminal();
            boolean evicted = t.nodeId() == null || !rules.mayKeep(state.nodes().get(t.nodeId()));
            if (ended || evicted) {
                ops.add(new StoreOp.SetDesiredState(t.id(), TaskState.SHUTDOWN));
            } else {
                alive.computeIfAbsent(t.nodeId(), k -> new ArrayList<>()).add(t);
            }
        }
        for (List<Task> live : alive.values()) {
            if (live.size() > 1 && !RollingUpdate.startFirstPair(live, service.spec())) {
                for (Task extra : live.subList(1, live.size())) {
                    ops.add(new StoreOp.SetDesiredState(extra.id(), TaskState.SHUTDOWN));
                }
                live.subList(1, live.size()).clear();
            }
        }
        Map<String, RestartSupervisor.Decision> empty = new TreeMap<>();
        for (Node n : nodes) {
            if (!alive.containsKey(n.id()) && rules.mayStart(n)) {
                List<Task> history = tasks.stream().filter(t -> n.id().equals(t.nodeId())).toList(); // newest first
                empty.put(n.id(), RestartSupervisor.next(history, service.spec(), now));
            }
        }
        // One node is one slot: a rolling update replaces parallelism nodes' tasks at a time. A node whose ended
        // task the restart policy keeps counts as having its task.
        RollingUpdate.Plan<String> update = RollingUpdate.plan(service, tasks, alive,
                empty.values().stream().allMatch(RestartSupervisor.Decision::held), now,
                nodeId -> newTask(service, state.nodes().get(nodeId), now));
        ops.addAll(update.ops());
        update.vacated().forEach(alive::remove);
        for (Node n : nodes) {
            if (alive.containsKey(n.id()) || !rules.mayStart(n) || update.rollingBack()) {
                continue;
            }
            RestartSupervisor.Decision next = empty.getOrDefault(n.id(), RestartSupervisor.Decision.NOW);
            if (next.held()) {
                ReplicatedOrchestrator.noteOnce(next, ops);
            } else if (now >= next.allowedAt()) {
                ops.add(new StoreOp.CreateTask(newTask(service, n, now)));
            }
        }
    }

    static Task newTask(Service s, Node node, long now) {
        return new Task(Ids.newId(), s.id(), s.name(), Task.GLOBAL_SLOT, node.id(), s.spec().image(),
                s.spec().command(), s.spec().env(), s.version(), TaskState.RUNNING,
                TaskStatus.of(TaskState.ASSIGNED, now, "scheduled"), now, List.of(), s.spec().container());
    }
}
