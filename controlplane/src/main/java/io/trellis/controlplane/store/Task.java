package io.trellis.controlplane.store;

import java.util.List;

/**
 * One scheduled unit of a service, pinned to a slot ({@code web.3}) and, once scheduled, to a node.
 * The orchestrator owns {@link #desiredState}; the scheduler owns {@link #nodeId}; the worker owns
 * {@link #status}; {@link #container} is the service's {@link ContainerSpec} when the task was made.
 * Tasks never go back to an earlier state: a failed task is replaced by a new one
 * in the same slot and stays in history. {@link #startedAt} is when it first reported running (0 if it never
 * did), kept after it ends so a rolling update can tell whether it failed within its monitor period.
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
        long createdAt,
        List<NetworkAttachment> networks,
        ContainerSpec container,
        long startedAt) {

    public Task {
        command = List.copyOf(command);
        env = List.copyOf(env);
        networks = networks == null ? List.of() : List.copyOf(networks);
        container = container == null ? ContainerSpec.DEFAULT : container;
    }

    public Task(String id, String serviceId, String serviceName, int slot, String nodeId, String image,
                List<String> command, List<String> env, long serviceVersion, TaskState desiredState, TaskStatus status,
                long createdAt, List<NetworkAttachment> networks, ContainerSpec container) {
        this(id, serviceId, serviceName, slot, nodeId, image, command, env, serviceVersion, desiredState, status,
                createdAt, networks, container, 0);
    }

    public Task(String id, String serviceId, String serviceName, int slot, String nodeId, String image,
                List<String> command, List<String> env, long serviceVersion, TaskState desiredState, TaskStatus status,
                long createdAt, List<NetworkAttachment> networks) {
        this(id, serviceId, serviceName, slot, nodeId, image, command, env, serviceVersion, desiredState, status,
                createdAt, networks, ContainerSpec.DEFAULT);
    }

    public Task(String id, String serviceId, String serviceName, int slot, String nodeId, String image,
                List<String> command, List<String> env, long serviceVersion, TaskState desiredState, TaskStatus status,
                long createdAt) {
        this(id, serviceId, serviceName, slot, nodeId, image, command, env, serviceVersion, desiredState, status,
                createdAt, List.of());
    }

    /** Slot of every global task: a global service's tasks are told apart by their node. */
    public static final int GLOBAL_SLOT = 0;

    /** Docker's task name: {@code service.slot}, or {@code service.nodeId} for a global service. */
    public String name() {
        return serviceName + "." + (slot == GLOBAL_SLOT ? nodeId : String.valueOf(slot));
    }

    /** The tasks that succeed one another: a replicated slot, or a global service's node. */
    public String slotKey() {
        return serviceId + "/" + (slot == GLOBAL_SLOT ? "node:" + nodeId : String.valueOf(slot));
    }

    /** A new status; the first {@link TaskState#RUNNING} one also sets {@link #startedAt}. */
    public Task withStatus(TaskStatus s) {
        long started = startedAt == 0 && s.state() == TaskState.RUNNING ? s.timestamp() : startedAt;
        return new Task(id, serviceId, serviceName, slot, nodeId, image, command, env, serviceVersion, desiredState, s, createdAt,
                networks, container, started);
    }

    public Task withDesiredState(TaskState d) {
        return new Task(id, serviceId, serviceName, slot, nodeId, image, command, env, serviceVersion, d, status, createdAt,
                networks, container, startedAt);
    }

    public Task withNetworks(List<NetworkAttachment> n) {
        return new Task(id, serviceId, serviceName, slot, nodeId, image, command, env, serviceVersion, desiredState, status,
                createdAt, n, container, startedAt);
    }

    /** The IDs of the networks this task is attached to, in order. */
    public List<String> networkIds() {
        return networks.stream().map(NetworkAttachment::networkId).toList();
    }

    /** This task's address on {@code networkId}, or null. */
    public String address(String networkId) {
        for (NetworkAttachment a : networks) {
            if (a.networkId().equals(networkId)) {
                return a.address();
            }
        }
        return null;
    }

    public Task withNode(String node, TaskStatus s) {
        return new Task(id, serviceId, serviceName, slot, node, image, command, env, serviceVersion, desiredState, s, createdAt,
                networks, container, startedAt);
    }
}
