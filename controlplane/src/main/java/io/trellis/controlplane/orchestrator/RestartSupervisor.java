package io.trellis.controlplane.orchestrator;

import io.trellis.controlplane.store.RestartPolicy;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import java.util.List;

/**
 * Whether and when an empty slot (a replicated slot, or a global service's node) gets its next task: swarmkit's
 * restart supervisor as a pure function of the slot's history, so a new leader judges it the same way.
 *
 * <p>Only a task that ended on its own (completed, failed, rejected, or lost with its node) is a restart, judged
 * by the service's {@link RestartPolicy}; a slot emptied by a rolling update, a scale-up or an eviction is filled
 * at once. A slot that is not restarted keeps its ended task, as Docker does, until the task template changes:
 * a task of another template is replaced as an update, not a restart, and the new template gets fresh attempts.
 * The wait is the policy's delay, and at least {@link #backoffUntil}'s back-off, which keeps a command that
 * cannot start from spinning with {@code --restart-delay 0s}. A task lost with its node is replaced without
 * the delay: the delay paces a crashing command, not a lost node.
 */
final class RestartSupervisor {
    /** The first replacement is immediate; a slot that keeps failing backs off up to this. */
    static final long BACKOFF_MAX_MILLIS = 5_000;
    private static final long BACKOFF_BASE_MILLIS = 500;
    /** Failures older than this no longer count towards the back-off. */
    private static final long BACKOFF_WINDOW_MILLIS = 60_000;

    private RestartSupervisor() {
    }

    /**
     * What to do with an empty slot.
     *
     * @param allowedAt when its next task may be created; {@link Long#MAX_VALUE} when the slot is held
     * @param ended     the task that ended on its own and holds the slot, or null
     * @param note      why {@code ended} is not restarted, for its status message; empty when the condition says so
     */
    record Decision(long allowedAt, Task ended, String note) {
        static final Decision NOW = new Decision(0, null, "");

        boolean held() {
            return allowedAt == Long.MAX_VALUE;
        }
    }

    /** @param history the slot's tasks, newest first */
    static Decision next(List<Task> history, ServiceSpec spec, long now) {
        Task last = history.isEmpty() ? null : history.get(0);
        if (last == null || !endedOnItsOwn(last) || TaskTemplate.outdated(last, spec)) {
            return Decision.NOW;
        }
        RestartPolicy policy = spec.restartPolicy();
        TaskState end = last.status().state();
        if (!policy.restarts(end)) {
            return new Decision(Long.MAX_VALUE, last, "");
        }
        if (policy.maxAttempts() > 0 && endsCounted(history, spec, policy, now) > policy.maxAttempts()) {
            return new Decision(Long.MAX_VALUE, last, "not restarted: " + policy.maxAttempts()
                    + " restart attempts reached" + (policy.windowMillis() > 0
                    ? " within " + seconds(policy.windowMillis()) : ""));
        }
        if (end == TaskState.ORPHANED) {
            return Decision.NOW;
        }
        return new Decision(Math.max(last.status().timestamp() + policy.delayMillis(), backoffUntil(history, now)),
                last, "");
    }

    private static String seconds(long millis) {
        return millis % 1_000 == 0 ? millis / 1_000 + "s" : millis + "ms";
    }

    /** Whether the task ended without being told to: its end is the restart policy's to judge. */
    static boolean endedOnItsOwn(Task t) {
        TaskState s = t.status().state();
        return s == TaskState.COMPLETE || s == TaskState.FAILED || s == TaskState.REJECTED
                || s == TaskState.ORPHANED;
    }

    /**
     * The slot's ends of the current template within the window, the last one included: each but the last was
     * restarted, so {@code maxAttempts} restarts allow {@code maxAttempts + 1} ends.
     */
    private static int endsCounted(List<Task> history, ServiceSpec spec, RestartPolicy policy, long now) {
        int ends = 0;
        for (Task t : history) {
            boolean inWindow = policy.windowMillis() == 0 || now - t.status().timestamp() <= policy.windowMillis();
            if (endedOnItsOwn(t) && inWindow && TaskTemplate.current(t, spec)) {
                ends++;
            }
        }
        return ends;
    }

    /**
     * When the slot may get its next task by the back-off alone: at once after one failure, then exponentially
     * later while it keeps failing (like Kubernetes' CrashLoopBackOff).
     */
    static long backoffUntil(List<Task> history, long now) {
        int failures = 0;
        long lastEnd = 0;
        for (Task t : history) {
            TaskState s = t.status().state();
            boolean failed = s == TaskState.FAILED || s == TaskState.REJECTED;
            if (!failed || now - t.status().timestamp() > BACKOFF_WINDOW_MILLIS) {
                break;
            }
            lastEnd = Math.max(lastEnd, t.status().timestamp());
            failures++;
        }
        if (failures <= 1) {
            return 0;
        }
        long delay = Math.min(BACKOFF_MAX_MILLIS, BACKOFF_BASE_MILLIS << Math.min(failures - 2, 10));
        return lastEnd + delay;
    }
}
