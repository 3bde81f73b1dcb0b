package io.trellis.daemon.runtime;

import io.trellis.controlplane.store.Task;
import java.util.List;
import java.util.Optional;

/**
 * Runs tasks on this node (swarmkit {@code exec.Controller}, collapsed): prepare and start in one
 * step, re-attach after an agent restart, and remove every local trace of a task.
 */
public interface TaskRuntime {

    String name();

    /** Prepares the task's namespaces and starts its command; the message says what went wrong. */
    RunningTask start(Task task) throws TaskStartException;

    /** Re-attaches to a task this node started before the agent restarted, if it still runs. */
    Optional<RunningTask> adopt(String taskId);

    /**
     * Gives a running task back what an agent restart took from it (overlay interfaces), once the
     * node knows the task's networks again. Nothing to do for most runtimes.
     */
    default void reconnect(Task task) throws TaskStartException {
    }

    /**
     * Starts {@code argv} inside the running task {@code taskId} (its namespaces, identity and limits), as
     * {@code docker exec} does: for {@code trellis exec} and health checks. The caller owns the process.
     *
     * @throws TaskStartException one line: the task does not run here, or the command could not start
     */
    Process exec(String taskId, List<String> argv) throws TaskStartException;

    /** Frees the task's runtime resources (namespaces) once it stopped; its logs stay. */
    void release(String taskId);

    /** Deletes everything the task left on this node, logs included. */
    void remove(String taskId);

    /** Task IDs that have local traces on this node (for garbage collection after a restart). */
    java.util.Set<String> localTasks();

    /** A task that could not start, with a one-line reason for {@code service ps}. */
    final class TaskStartException extends Exception {
        private static final long serialVersionUID = 1L;

        public TaskStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
