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
 * Keeps each replicated service at its desired number of slots (swarmkit
 * {@code orchestrator/replicated}): a slot whose task ended is given a new task, the old one is told
 * to shut down and stays in history; slots above the replica count are shut down, highest first.
 * Tasks on a drained node, or on one that no longer meets the service's constraints, are shut down
 * and replaced the same way. Tasks of an older task template ({@code service update}, {@code --force}) are
 * replaced by {@link RollingUpdate}. Global services are the {@link GlobalOrchestrator}'s.
 */
public final class ReplicatedOrchestrator implements Reconciler {
    /** The first replacement is immediate; a slot that keeps failing backs off up to this. */
    public static final long RESTART_DELAY_MAX_MILLIS = 5_000;
    private static final long RESTART_DELAY_BASE_MILLIS = 500;
    /** Failures older than this no longer count towards the back-off. */
    private static final long FAILURE_WINDOW_MILLIS = 60_000;

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
                // restart condition "any" (Swarm's default): an ended task is always replaced.
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
        RollingUpdate.Plan<Integer> update = RollingUpdate.plan(service, tasks, alive,
                alive.size() == replicas, now,
                slot -> newTask(service, slot, now));
        ops.addAll(update.ops());
        update.vacated().forEach(alive::remove);
        for (int slot = 1; slot <= replicas && !update.rollingBack(); slot++) {
            if (!alive.containsKey(slot) && now >= restartAllowedAt(tasks, slot, now)) {
                ops.add(new StoreOp.CreateTask(newTask(service, slot, now)));
            }
        }
    }

    /**
     * When a slot may get its next task: at once after one failure (a crash is replaced within the
     * tick), then backing off exponentially while it keeps failing, so a command that cannot start
     * does not spin the log and the node (like Kubernetes' CrashLoopBackOff; Swarm waits 5 s always).
     */
    static long restartAllowedAt(List<Task> tasks, int slot, long now) {
        return restartAllowedAt(tasks.stream().filter(t -> t.slot() == slot).toList(), now);
    }

    /** {@link #restartAllowedAt(List, int, long)} over one slot's tasks, newest first. */
    static long restartAllowedAt(List<Task> history, long now) {
        int failures = 0;
        long lastEnd = 0;
        for (Task t : history) {
            TaskState s = t.status().state();
            if ((s != TaskState.FAILED && s != TaskState.REJECTED) || now - t.status().timestamp() > FAILURE_WINDOW_MILLIS) {
                break;
            }
            lastEnd = Math.max(lastEnd, t.status().timestamp());
            failures++;
        }
        if (failures <= 1) {
            return 0;
        }
        long delay = Math.min(RESTART_DELAY_MAX_MILLIS, RESTART_DELAY_BASE_MILLIS << Math.min(failures - 2, 10));
        return lastEnd + delay;
    }

    static Task newTask(Service s, int slot, long now) {
        return new Task(Ids.newId(), s.id(), s.name(), slot, null, s.spec().image(), s.spec().command(),
                s.spec().env(), s.version(), TaskState.RUNNING,
                TaskStatus.of(TaskState.PENDING, now, "pending task scheduling"), now, List.of(), s.spec().container());
    }
}
