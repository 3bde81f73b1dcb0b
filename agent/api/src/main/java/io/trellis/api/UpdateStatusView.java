package io.trellis.api;

/**
 * How the rollout of a service's last change stands, as {@code service inspect} shows it (Docker's
 * {@code UpdateStatus}).
 *
 * @param state       updating, paused, completed, rollback_started, rollback_paused or rollback_completed
 * @param startedAt   epoch millis
 * @param completedAt epoch millis, 0 until it completed
 * @param message     what happened, e.g. which task's failure paused it
 */
public record UpdateStatusView(String state, long startedAt, long completedAt, String message) {

    public boolean paused() {
        return state.endsWith("paused");
    }

    public boolean rollback() {
        return state.startsWith("rollback");
    }

    public boolean completed() {
        return state.endsWith("completed");
    }
}
