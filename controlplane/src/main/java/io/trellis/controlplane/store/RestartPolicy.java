package io.trellis.controlplane.store;

/**
 * When a task that ended on its own is replaced (Docker's {@code RestartPolicy}, {@code --restart-*}). Tasks
 * replaced by a rolling update, a scale-down or an eviction are not restarts and are not judged by it.
 *
 * @param condition    which ends are restarted
 * @param delayMillis  wait between a task's end and its replacement
 * @param maxAttempts  restarts of one slot at most, 0 for no limit
 * @param windowMillis how far back {@code maxAttempts} counts; 0 counts every restart of the slot
 */
public record RestartPolicy(Condition condition, long delayMillis, int maxAttempts, long windowMillis) {

    /** Docker's default {@code --restart-delay}. */
    public static final long DEFAULT_DELAY_MILLIS = 5_000;

    /** Docker's defaults: always restart, 5 s after the end, without limit. */
    public static final RestartPolicy DEFAULT = new RestartPolicy(Condition.ANY, DEFAULT_DELAY_MILLIS, 0, 0);

    public enum Condition {
        /** Never: the slot keeps its ended task. */
        NONE,
        /** Only a task that did not complete (non-zero exit, unhealthy, rejected, lost with its node). */
        ON_FAILURE,
        /** Every end. */
        ANY
    }

    public RestartPolicy {
        condition = condition == null ? Condition.ANY : condition;
    }

    /** Whether a task that ended in {@code state} is to be replaced under {@link #condition}. */
    public boolean restarts(TaskState state) {
        return switch (condition) {
            case NONE -> false;
            case ON_FAILURE -> state != TaskState.COMPLETE;
            case ANY -> true;
        };
    }
}
