package io.trellis.api;

import java.util.List;

/**
 * A task as {@code service ps} shows it, with its node's hostname resolved.
 *
 * @param networks the task's address on each of its networks
 * @param health   its health check's status and last results; {@link HealthView#NONE} without a check
 */
public record TaskView(String id, String name, String serviceId, String serviceName, int slot, String image,
                       List<String> command, String nodeId, String node, String desiredState, String state,
                       long stateSince, String message, String error, int exitCode, long pid, long createdAt,
                       List<NetworkAddress> networks, HealthView health) {

    public TaskView {
        networks = networks == null ? List.of() : List.copyOf(networks);
        health = health == null ? HealthView.NONE : health;
    }

    public TaskView(String id, String name, String serviceId, String serviceName, int slot, String image,
                    List<String> command, String nodeId, String node, String desiredState, String state,
                    long stateSince, String message, String error, int exitCode, long pid, long createdAt,
                    List<NetworkAddress> networks) {
        this(id, name, serviceId, serviceName, slot, image, command, nodeId, node, desiredState, state, stateSince,
                message, error, exitCode, pid, createdAt, networks, null);
    }
}
