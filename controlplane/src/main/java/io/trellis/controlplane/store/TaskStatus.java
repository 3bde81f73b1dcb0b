package io.trellis.controlplane.store;

/**
 * What a task is doing now, as last reported by the worker or the scheduler.
 *
 * @param state     current state
 * @param timestamp when it entered that state (epoch millis, stamped by the reporter)
 * @param message   short human-readable progress ("started", "no suitable node")
 * @param error     why it failed, empty otherwise (Docker's ERROR column)
 * @param exitCode  process exit status when known, else -1
 * @param pid       process id on the node while running, else 0
 * @param health    the health check's verdict and last results; {@link TaskHealth#NONE} without a check
 */
public record TaskStatus(TaskState state, long timestamp, String message, String error, int exitCode, long pid,
                         TaskHealth health) {

    public TaskStatus {
        message = message == null ? "" : message;
        error = error == null ? "" : error;
        health = health == null ? TaskHealth.NONE : health;
    }

    public TaskStatus(TaskState state, long timestamp, String message, String error, int exitCode, long pid) {
        this(state, timestamp, message, error, exitCode, pid, TaskHealth.NONE);
    }

    public static TaskStatus of(TaskState state, long timestamp, String message) {
        return new TaskStatus(state, timestamp, message, "", -1, 0);
    }

    public TaskStatus withError(String err) {
        return new TaskStatus(state, timestamp, message, err, exitCode, pid, health);
    }

    public TaskStatus withMessage(String m) {
        return new TaskStatus(state, timestamp, m, error, exitCode, pid, health);
    }

    public TaskStatus withHealth(TaskHealth h) {
        return new TaskStatus(state, timestamp, message, error, exitCode, pid, h);
    }
}
