package io.trellis.controlplane.store;

import java.util.List;

/**
 * A task's health as its node's health monitor last reported it (Docker's {@code State.Health}).
 *
 * @param status        {@link Status#NONE} for a task without a health check
 * @param failingStreak consecutive failed checks that counted (failures in the start period do not)
 * @param log           the last {@link #LOG_SIZE} results, oldest first
 */
public record TaskHealth(Status status, int failingStreak, List<HealthResult> log) {

    /** How many results a task keeps, as Docker. */
    public static final int LOG_SIZE = 5;

    /** A task without a health check. */
    public static final TaskHealth NONE = new TaskHealth(Status.NONE, 0, List.of());

    public enum Status {
        NONE, STARTING, HEALTHY, UNHEALTHY;

        /** How Docker prints it: {@code healthy}, {@code starting}. */
        public String display() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public TaskHealth {
        status = status == null ? Status.NONE : status;
        log = log == null ? List.of() : List.copyOf(log);
    }

    /**
     * Whether a running task with this health counts as up (REPLICAS, backends): always without a health
     * check, only while healthy with one.
     */
    public boolean countsAsUp() {
        return status == Status.NONE || status == Status.HEALTHY;
    }
}
