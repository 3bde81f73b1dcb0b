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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps each replicated service at its desired number of slots (swarmkit {@code orchestrator/replicated}): a slot
 * whose task ended is given a new task (as its restart policy says), the old one is told to shut down and stays in
 * history; slots above the replica count are shut down, highest first. Tasks on a drained node, or on one that no
 * longer meets the service's constraints, are shut down and replaced the same way. Whether and when a task that ended
 * on its own is replaced is the service's restart policy ({@link RestartSupervisor}). Tasks of an older task template
 * ({@code service update}, {@code --force}) are replaced by {@link RollingUpdate}. Global services are the {@link
 * GlobalOrchestrator}'s.
 */
public final class ReplicatedOrchestrator implements Reconciler {

    @Override
    public String name() {
        return "orchestrator";
    }

    @Override
    public List<StoreOp> reconcile(ClusterSnapshot state, long now) {
        List<StoreOp> ops = new ArrayList<>();
        for (Service service : state.services().values()) {
            if (!service.spec().global()) {
                reconcileService(service, state.tasksOf(service.id()), state.nodes(), now, ops);
            }
        }
        return ops;
    }

    private static void reconcileService(Service service, List<Task> tasks, Map<String, Node> nodes, long now,
                                         List<StoreOp> ops) {
        int replicas = service.spec().replicas();
        NodeEligibility rules = NodeEligibility.of(service);
        Map<Integer, List<Task>> alive = new TreeMap<>();
        for (Task t : tasks) {
            if (t.desiredState().compareTo(TaskState.RUNNING) > 0) {
                continue; // already on its way out
            }
            boolean ended = t.status().state().isTerminal();
            // A drained node (or one that no longer meets the constraints) gives its tasks up: each is
            // shut down and its slot gets a new task, which the scheduler places elsewhere.
            boolean evicted = t.nodeId() != null && !rules.mayKeep(nodes.get(t.nodeId()));
            if (ended || evicted || t.slot() > replicas) {
                // An ended task stays in history; whether its slot gets a new one is the restart policy's call.
                ops.add(new StoreOp.SetDesiredState(t.id(), TaskState.SHUTDOWN));
                continue;
            }
            alive.computeIfAbsent(t.slot(), k -> new ArrayList<>()).add(t);
        }
        for (List<Task> live : alive.values()) {
            if (live.size() > 1 && !RollingUpdate.startFirstPair(live, service.spec())) {
                // Two live tasks in one slot come only from a start-first update; never leave another behind.
                for (Task extra : live.subList(1, live.size())) {
                    ops.add(new StoreOp.SetDesiredState(extra.id(), TaskState.SHUTDOWN));
                }
                live.subList(1, live.size()).clear();
            }
        }
        Map<Integer, RestartSupervisor.Decision> empty = new TreeMap<>();
        for (int slot = 1; slot <= replicas; slot++) {
            if (!alive.containsKey(slot)) {
                int s = slot;
                empty.put(slot, RestartSupervisor.next(tasks.stream().filter(t -> t.slot() == s).toList(),
                        service.spec(), now));
            }
        }
        // A slot the restart policy keeps empty counts as filled: its service is as complete as it will get.
        long held = empty.values().stream().filter(RestartSupervisor.Decision::held).count();
        RollingUpdate.Plan<Integer> update = RollingUpdate.plan(service, tasks, alive,
                alive.size() + held == replicas, now,
                slot -> newTask(service, slot, now));
        ops.addAll(update.ops());
        update.vacated().forEach(alive::remove);
        for (int slot = 1; slot <= replicas && !update.rollingBack(); slot++) {
            if (alive.containsKey(slot)) {
                continue;
            }
            RestartSupervisor.Decision next = empty.getOrDefault(slot, RestartSupervisor.Decision.NOW);
            if (next.held()) {
                noteOnce(next, ops);
            } else if (now >= next.allowedAt()) {
                ops.add(new StoreOp.CreateTask(newTask(service, slot, now)));
            }
        }
    }

    /** Says why a slot's ended task is not restarted, in the round that shuts it down. */
    static void noteOnce(RestartSupervisor.Decision held, List<StoreOp> ops) {
        Task ended = held.ended();
        if (!held.note().isEmpty() && ended.desiredState() == TaskState.RUNNING) {
            ops.add(new StoreOp.NoteEndedTask(ended.id(), held.note()));
        }
    }

    static Task newTask(Service s, int slot, long now) {
        return new Task(Ids.newId(), s.id(), s.name(), slot, null, s.spec().image(), s.spec().command(),
                s.spec().env(), s.version(), TaskState.RUNNING,
                TaskStatus.of(TaskState.PENDING, now, "pending task scheduling"), now, List.of(), s.spec().container());
    }
}
