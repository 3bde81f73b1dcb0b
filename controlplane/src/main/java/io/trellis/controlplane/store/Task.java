package io.trellis.controlplane.store;

import java.util.List;

/**
 * One scheduled unit of a service, pinned to a slot ({@code web.3}) and, once scheduled, to a node.
 * The orchestrator owns {@link #desiredState}; the scheduler owns {@link #nodeId}; the worker owns
 * {@link #status}. Tasks never go back to an earlier state: a failed task is replaced by a new one
 * in the same slot and stays in history.
 */
public record Task(
        String id,
        String serviceId,
        String serviceName,
        int slot,
        String nodeId,
        String image,
        List<String> command,
        List<String> env,
        long serviceVersion,
        TaskState desiredState,
        TaskStatus status,
        long createdAt) {

    public Task {
        command = List.copyOf(command);
        env = List.copyOf(env);
    }

    /** Docker's task name: {@code service.slot}. */
    public String name() {
        return serviceName + "." + slot;
    }

    public Task withStatus(TaskStatus s) {
        return new Task(id, serviceId, serviceName, slot, nodeId, image, command, env, serviceVersion, desiredState, s, createdAt);
    }

    public Task withDesiredState(TaskState d) {
        return new Task(id, serviceId, serviceName, slot, nodeId, image, command, env, serviceVersion, d, status, createdAt);
    }

    public Task withNode(String node, TaskStatus s) {
        return new Task(id, serviceId, serviceName, slot, node, image, command, env, serviceVersion, desiredState, s, createdAt);
    }
}
