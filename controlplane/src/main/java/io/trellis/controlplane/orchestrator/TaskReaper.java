package io.trellis.controlplane.orchestrator;

import io.trellis.controlplane.reconcile.Reconciler;
import io.trellis.controlplane.store.ClusterSnapshot;
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
 * Deletes tasks nobody needs any more (swarmkit {@code taskreaper}): tasks of removed services once
 * they stopped, and history beyond {@link #HISTORY_LIMIT_DEFAULT} tasks per slot (more when a restart policy's
 * {@code max_attempts} needs them to count restarts). Tasks that were
 * told to stop before any node took them are marked shut down here, as no worker will report them.
 */
public final class TaskReaper implements Reconciler {
    /** Swarm's {@code TaskHistoryRetentionLimit} default. */
    public static final int HISTORY_LIMIT_DEFAULT = 5;

    private final int historyLimit;

    public TaskReaper(int historyLimit) {
        this.historyLimit = historyLimit;
    }

    /**
     * The history a slot keeps: the limit, or every end the restart policy's {@code max_attempts} counts
     * ({@link RestartSupervisor}), whichever is more.
     */
    private int keep(Service service) {
        int attempts = service == null ? 0 : service.spec().restartPolicy().maxAttempts();
        return attempts > 0 ? Math.max(historyLimit, attempts + 1) : historyLimit;
    }

    @Override
    public String name() {
        return "task-reaper";
    }

    @Override
    public List<StoreOp> reconcile(ClusterSnapshot state, long now) {
        List<StoreOp> ops = new ArrayList<>();
        Map<String, List<Task>> bySlot = new HashMap<>();
        for (Task t : state.tasks().values()) {
            boolean stopping = t.desiredState().compareTo(TaskState.RUNNING) > 0;
            if (stopping && t.nodeId() == null && !t.status().state().isTerminal()) {
                ops.add(new StoreOp.ReportTaskStatus(t.id(),
                        TaskStatus.of(TaskState.SHUTDOWN, now, "shut down before it was scheduled")));
            } else if (t.desiredState() == TaskState.REMOVE && t.status().state().isTerminal()) {
                ops.add(new StoreOp.DeleteTask(t.id()));
            } else {
                bySlot.computeIfAbsent(t.slotKey(), k -> new ArrayList<>()).add(t); // global: per node
            }
        }
        for (List<Task> slot : bySlot.values()) {
            int keep = keep(state.services().get(slot.get(0).serviceId()));
            if (slot.size() <= keep) {
                continue;
            }
            slot.sort(Comparator.comparingLong(Task::createdAt).reversed());
            for (Task old : slot.subList(keep, slot.size())) {
                if (old.status().state().isTerminal() && old.desiredState().compareTo(TaskState.RUNNING) > 0) {
                    ops.add(new StoreOp.DeleteTask(old.id()));
                }
            }
        }
        return ops;
    }
}
