package io.trellis.controlplane.store;

/**
 * Lifecycle of a task, in swarmkit's order: a task only moves forward. States after
 * {@link #RUNNING} are terminal; {@link #REMOVE} is only ever a desired state.
 */
public enum TaskState {
    NEW, PENDING, ASSIGNED, ACCEPTED, PREPARING, STARTING, RUNNING,
    COMPLETE, SHUTDOWN, FAILED, REJECTED, REMOVE, ORPHANED;

    public boolean isTerminal() {
        return compareTo(RUNNING) > 0;
    }

    /** How Docker prints it: {@code Running}, {@code Shutdown}. */
    public String display() {
        String n = name().toLowerCase(java.util.Locale.ROOT);
        return Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }
}
