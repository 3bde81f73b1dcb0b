package io.trellis.controlplane.orchestrator;

import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.UpdateConfig;
import io.trellis.controlplane.store.UpdateStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Replaces a service's outdated tasks ({@link TaskTemplate}) in batches, as swarmkit's updater does, but as a
 * pure function of the store so both orchestrators call it each round and a new leader carries on where the
 * last one stopped. Its memory is the service's {@link UpdateStatus} (when the rollout started) and the tasks
 * themselves (when each new one started running, or ended).
 *
 * <p>A batch is {@code parallelism} slots (a replicated slot, or a global service's node), lowest first.
 * Stop-first shuts the old task down and leaves the slot to the orchestrator, which starts its successor in
 * the same round; start-first starts the new task beside the old one, which is told to stop once the new one
 * runs (a task with a health check runs only once healthy). The next batch starts when every slot of this one
 * has its new task running or ended, and {@code delay} after the last of them started. A new task that ends
 * on its own (failed, rejected, or exited) before it ran or within {@code monitor} of running is a failure;
 * once failures per updated slot exceed {@code max_failure_ratio}, the failure action pauses the rollout,
 * ignores it, or rolls the service back to its previous spec, which is then rolled out with the rollback
 * config. The rollout completes {@code monitor} after its last new task started.
 */
final class RollingUpdate {
    private RollingUpdate() {
    }

    /**
     * What the orchestrator does besides {@code ops}: the slots whose task was stopped for a new one, and
     * whether the service is being rolled back in this round (then it starts nothing from the spec it leaves).
     */
    record Plan<K>(List<StoreOp> ops, Set<K> vacated, boolean rollingBack) {
        Plan(List<StoreOp> ops, Set<K> vacated) {
            this(ops, vacated, false);
        }
    }

    /**
     * Whether a slot's two live tasks are a start-first replacement in flight (one current, one outdated), which
     * the orchestrator must keep rather than shut one down as a duplicate.
     */
    static boolean startFirstPair(List<Task> live, ServiceSpec spec) {
        return live.size() == 2 && TaskTemplate.current(live.get(0), spec) != TaskTemplate.current(live.get(1), spec);
    }

    /**
     * @param history every task of the service
     * @param alive   per slot, in the order batches take them, its live tasks (desired running, not ended)
     * @param full    whether every slot that should have a task has a live one: a rollout is complete only then
     * @param starter a new task for a slot, for start-first
     */
    static <K> Plan<K> plan(Service service, List<Task> history, Map<K, List<Task>> alive, boolean full, long now,
                            Function<K, Task> starter) {
        ServiceSpec spec = service.spec();
        List<StoreOp> ops = new ArrayList<>();
        Set<K> vacated = new HashSet<>();
        List<K> outdated = new ArrayList<>();
        boolean pairStarting = false;
        for (Map.Entry<K, List<Task>> e : alive.entrySet()) {
            Task fresh = e.getValue().stream().filter(t -> TaskTemplate.current(t, spec)).findFirst().orElse(null);
            if (fresh == null) {
                outdated.add(e.getKey());
            } else if (e.getValue().size() > 1 && fresh.status().state() == TaskState.RUNNING) {
                for (Task old : e.getValue()) {
                    if (old != fresh) {
                        ops.add(new StoreOp.SetDesiredState(old.id(), TaskState.SHUTDOWN));
                    }
                }
            } else if (e.getValue().size() > 1) {
                pairStarting = true;
            }
        }
        UpdateStatus status = service.updateStatus();
        boolean inProgress = status != null && (status.state().active() || status.state().paused());
        if (!inProgress) {
            if (outdated.isEmpty() && !pairStarting) {
                return new Plan<>(ops, vacated);
            }
            status = UpdateStatus.updating(now);
            ops.add(new StoreOp.SetUpdateStatus(service.id(), service.version(), status));
        }
        if (status.state().paused()) {
            return new Plan<>(ops, vacated);
        }
        UpdateConfig config = status.state().rollback() ? spec.rollbackConfig() : spec.updateConfig();
        Progress p = Progress.of(history, spec, status.startedAt(), config.monitorMillis());
        if (p.failures > config.maxFailureRatio() * p.updatedSlots
                && config.failureAction() != UpdateConfig.FailureAction.CONTINUE) {
            StoreOp action = failureAction(service, status, config, p.lastFailure, now);
            ops.add(action);
            return new Plan<>(ops, vacated, action instanceof StoreOp.RollbackService);
        }
        if (pairStarting || p.starting > 0) {
            return new Plan<>(ops, vacated);
        }
        if (outdated.isEmpty()) {
            if (full && now >= p.lastSettled + config.monitorMillis()) {
                ops.add(new StoreOp.SetUpdateStatus(service.id(), service.version(), status.completed(now)));
            }
            return new Plan<>(ops, vacated);
        }
        if (now < p.lastSettled + config.delayMillis()) {
            return new Plan<>(ops, vacated);
        }
        for (K slot : outdated.subList(0, config.batchSize(outdated.size()))) {
            if (config.order() == UpdateConfig.Order.START_FIRST) {
                ops.add(new StoreOp.CreateTask(starter.apply(slot)));
            } else {
                for (Task old : alive.get(slot)) {
                    ops.add(new StoreOp.SetDesiredState(old.id(), TaskState.SHUTDOWN));
                }
                vacated.add(slot);
            }
        }
        return new Plan<>(ops, vacated);
    }

    /** Pause (also what a rollback's failure, or one with nothing to roll back to, does) or roll back. */
    private static StoreOp failureAction(Service service, UpdateStatus status, UpdateConfig config, Task failed,
                                         long now) {
        String what = "due to failure or early termination of task " + failed.name() + " ("
                + failed.id().substring(0, Math.min(12, failed.id().length())) + ")"
                + (failed.status().error().isEmpty() ? "" : ": " + failed.status().error());
        boolean rollback = config.failureAction() == UpdateConfig.FailureAction.ROLLBACK;
        if (rollback && !status.state().rollback() && service.previousSpec() != null) {
            return new StoreOp.RollbackService(service.id(), service.version(),
                    new UpdateStatus(UpdateStatus.State.ROLLBACK_STARTED, now, 0, "update rolled back " + what), now);
        }
        String paused = (status.state().rollback() ? "rollback paused " : "update paused ") + what;
        return new StoreOp.SetUpdateStatus(service.id(), service.version(), status.paused(paused));
    }

    /** The new tasks of the rollout that began at {@code startedAt}, per slot. */
    private static final class Progress {
        int updatedSlots;
        int starting;
        int failures;
        long lastSettled;
        Task lastFailure;

        static Progress of(List<Task> history, ServiceSpec spec, long startedAt, long monitorMillis) {
            Progress p = new Progress();
            Map<String, Task> firstPerSlot = new HashMap<>();
            for (Task t : history) {
                if (t.createdAt() < startedAt || !TaskTemplate.current(t, spec)) {
                    continue;
                }
                firstPerSlot.merge(t.slotKey(), t, (a, b) -> a.createdAt() <= b.createdAt() ? a : b);
                TaskState s = t.status().state();
                boolean endedOnItsOwn = s == TaskState.FAILED || s == TaskState.REJECTED || s == TaskState.COMPLETE;
                if (endedOnItsOwn && (t.startedAt() == 0 || t.status().timestamp() - t.startedAt() <= monitorMillis)) {
                    p.failures++;
                    if (p.lastFailure == null || t.status().timestamp() > p.lastFailure.status().timestamp()) {
                        p.lastFailure = t;
                    }
                }
            }
            p.updatedSlots = firstPerSlot.size();
            for (Task first : firstPerSlot.values()) {
                // A slot's first new task is the one the rollout made; later ones are restarts, not batches.
                TaskState s = first.status().state();
                long settled = first.startedAt() > 0 ? first.startedAt() : s.isTerminal() ? first.status().timestamp() : 0;
                p.lastSettled = Math.max(p.lastSettled, settled);
                if (first.desiredState() == TaskState.RUNNING && !first.status().state().isTerminal()
                        && first.status().state() != TaskState.RUNNING) {
                    p.starting++;
                }
            }
            return p;
        }
    }
}
