package io.trellis.controlplane.orchestrator;

import io.trellis.controlplane.reconcile.Reconciler;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Ids;
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
            reconcileService(service, state.tasksOf(service.id()), now, ops);
        }
        return ops;
    }

    private static void reconcileService(Service service, List<Task> tasks, long now, List<StoreOp> ops) {
        int replicas = service.spec().replicas();
        Map<Integer, Boolean> slotAlive = new TreeMap<>();
        for (Task t : tasks) {
            if (t.desiredState().compareTo(TaskState.RUNNING) > 0) {
                continue; // already on its way out
            }
            boolean ended = t.status().state().isTerminal();
            if (ended || t.slot() > replicas) {
                // restart condition "any" (Swarm's default): an ended task is always replaced.
                ops.add(new StoreOp.SetDesiredState(t.id(), TaskState.SHUTDOWN));
                continue;
            }
            if (slotAlive.putIfAbsent(t.slot(), Boolean.TRUE) != null) {
                // Two live tasks in one slot cannot come from this loop, but never leave one behind.
                ops.add(new StoreOp.SetDesiredState(t.id(), TaskState.SHUTDOWN));
            }
        }
        for (int slot = 1; slot <= replicas; slot++) {
            if (!slotAlive.containsKey(slot)) {
                ops.add(new StoreOp.CreateTask(newTask(service, slot, now)));
            }
        }
    }

    static Task newTask(Service s, int slot, long now) {
        return new Task(Ids.newId(), s.id(), s.name(), slot, null, s.spec().image(), s.spec().command(),
                s.spec().env(), s.version(), TaskState.RUNNING,
                TaskStatus.of(TaskState.PENDING, now, "pending task scheduling"), now);
    }
}
