package io.trellis.daemon.runtime;

import io.trellis.controlplane.store.Task;
import java.io.IOException;
import java.nio.file.Path;

/** What a runtime asks of the node's overlay: interfaces for a task's networks in its namespace. */
public interface TaskNetworking {
    /** For nodes and tests without overlays: a task with networks cannot start. */
    TaskNetworking NONE = new TaskNetworking() {
        public void attach(Task task, Path netns) throws IOException {
            if (!task.networks().isEmpty()) {
                throw new IOException("this node has no overlay data plane");
            }
        }

        public void detach(String taskId) {
        }

        public boolean attached(String taskId) {
            return false;
        }
    };

    /** One interface per network in {@code netns}, a default route and the embedded DNS; idempotent. */
    void attach(Task task, Path netns) throws IOException;

    void detach(String taskId);

    boolean attached(String taskId);

    /**
     * Gives an adopted task back the interfaces the previous agent's TAP descriptors took with them, once the
     * node knows its networks again; nothing to do for a task without networks or already attached.
     */
    default void reattach(Task task, Path netns) throws TaskRuntime.TaskStartException {
        if (task.networks().isEmpty() || attached(task.id())) {
            return;
        }
        try {
            attach(task, netns);
        } catch (IOException | RuntimeException e) {
            throw new TaskRuntime.TaskStartException("re-attaching networks failed: " + e.getMessage(), e);
        }
    }
}
