package io.trellis.controlplane.store;

/**
 * Where the rollout of a service's last change stands (Docker's {@code UpdateStatus}), shown by
 * {@code service inspect}. Written by the orchestrator as it replaces tasks; a new change to the service
 * clears it, which also resumes a paused update.
 *
 * @param startedAt   when the update or rollback began (epoch millis)
 * @param completedAt when it completed, 0 until then
 * @param message     what happened, e.g. why it paused
 */
public record UpdateStatus(State state, long startedAt, long completedAt, String message) {

    public enum State {
        UPDATING, PAUSED, COMPLETED, ROLLBACK_STARTED, ROLLBACK_PAUSED, ROLLBACK_COMPLETED;

        /** A rollback's states use the rollback config. */
        public boolean rollback() {
            return this == ROLLBACK_STARTED || this == ROLLBACK_PAUSED || this == ROLLBACK_COMPLETED;
        }

        /** Tasks are being replaced. */
        public boolean active() {
            return this == UPDATING || this == ROLLBACK_STARTED;
        }

        public boolean paused() {
            return this == PAUSED || this == ROLLBACK_PAUSED;
        }
    }

    public UpdateStatus {
        message = message == null ? "" : message;
    }

    public static UpdateStatus updating(long now) {
        return new UpdateStatus(State.UPDATING, now, 0, "update in progress");
    }

    public UpdateStatus paused(String why) {
        return new UpdateStatus(state.rollback() ? State.ROLLBACK_PAUSED : State.PAUSED, startedAt, 0, why);
    }

    public UpdateStatus completed(long now) {
        return new UpdateStatus(state.rollback() ? State.ROLLBACK_COMPLETED : State.COMPLETED, startedAt, now,
                state.rollback() ? "rollback completed" : "update completed");
    }
}
