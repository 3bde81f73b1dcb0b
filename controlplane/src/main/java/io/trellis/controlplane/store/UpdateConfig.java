package io.trellis.controlplane.store;

/**
 * How a change to a service's task template is rolled out over its tasks, or rolled back (Docker's
 * {@code UpdateConfig}, the same type for {@code update_config} and {@code rollback_config}).
 *
 * @param parallelism     tasks replaced at once; 0 replaces all of them at once
 * @param delayMillis     wait between one batch running and the next batch starting
 * @param failureAction   what a failure beyond {@code maxFailureRatio} does
 * @param monitorMillis   how long after it runs a new task's failure still counts against the update
 * @param maxFailureRatio failures per updated task tolerated, 0 to 1
 * @param order           stop the old task first, or start the new one first
 */
public record UpdateConfig(int parallelism, long delayMillis, FailureAction failureAction, long monitorMillis,
                           double maxFailureRatio, Order order) {

    public static final long DEFAULT_MONITOR_MILLIS = 5_000;

    /** Docker's defaults, for updates and rollbacks alike. */
    public static final UpdateConfig DEFAULT = new UpdateConfig(1, 0, FailureAction.PAUSE, DEFAULT_MONITOR_MILLIS, 0,
            Order.STOP_FIRST);

    public enum FailureAction { PAUSE, CONTINUE, ROLLBACK }

    public enum Order { STOP_FIRST, START_FIRST }

    public UpdateConfig {
        failureAction = failureAction == null ? FailureAction.PAUSE : failureAction;
        order = order == null ? Order.STOP_FIRST : order;
    }

    /** How many outdated tasks one batch replaces, out of {@code outdated}. */
    public int batchSize(int outdated) {
        return parallelism == 0 ? outdated : Math.min(parallelism, outdated);
    }
}
