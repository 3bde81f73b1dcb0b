package io.trellis.agent.api;

import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Task;
import java.util.List;
import java.util.Map;

/** A task as {@code service ps} shows it, with its node's hostname resolved. */
public record TaskView(String id, String name, String serviceId, String serviceName, int slot, String image,
                       List<String> command, String nodeId, String node, String desiredState, String state,
                       long stateSince, String message, String error, int exitCode, long pid, long createdAt) {

    public static TaskView of(Task t, Map<String, Node> nodes) {
        Node n = t.nodeId() == null ? null : nodes.get(t.nodeId());
        return new TaskView(t.id(), t.name(), t.serviceId(), t.serviceName(), t.slot(), t.image(), t.command(),
                t.nodeId(), n == null ? "" : n.hostname(), t.desiredState().display(), t.status().state().display(),
                t.status().timestamp(), t.status().message(), t.status().error(), t.status().exitCode(),
                t.status().pid(), t.createdAt());
    }
}
