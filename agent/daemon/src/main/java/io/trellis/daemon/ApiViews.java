package io.trellis.daemon;

import io.trellis.api.Json;
import io.trellis.api.NodeView;
import io.trellis.api.ServiceView;
import io.trellis.api.TaskView;
import io.trellis.controlplane.orchestrator.NodeEligibility;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Store records turned into the admin API's views: the one place where the API's shape meets the store's. */
final class ApiViews {
    private ApiViews() {
    }

    /**
     * @param reachable   Raft members the answering manager heard from recently
     * @param leaderView  true when the answering manager leads: it hears from every member, so
     *                    {@code reachable} is complete; a follower hears only from the leader, so for
     *                    the other managers it goes by their heartbeat status
     */
    static NodeView node(Node n, String selfId, String leaderId, Set<String> reachable, boolean leaderView) {
        boolean up = reachable.contains(n.id()) || !leaderView && n.status() == Node.Status.READY;
        String managerStatus = n.role() != Node.Role.MANAGER ? ""
                : n.id().equals(leaderId) ? "Leader" : up ? "Reachable" : "Unreachable";
        return new NodeView(n.id(), n.hostname(), n.id().equals(selfId), lower(n.role()), capital(n.status()),
                capital(n.availability()), managerStatus, n.engineVersion(), n.address(), n.labels(),
                n.createdAt(), n.updatedAt());
    }

    static TaskView task(Task t, Map<String, Node> nodes) {
        Node n = t.nodeId() == null ? null : nodes.get(t.nodeId());
        return new TaskView(t.id(), t.name(), t.serviceId(), t.serviceName(), t.slot(), t.image(), t.command(),
                t.nodeId(), n == null ? "" : n.hostname(), t.desiredState().display(), t.status().state().display(),
                t.status().timestamp(), t.status().message(), t.status().error(), t.status().exitCode(),
                t.status().pid(), t.createdAt());
    }

    /** The desired count of a global service is the number of nodes that should run one of its tasks. */
    static ServiceView service(Service s, ClusterSnapshot view) {
        List<Task> tasks = view.tasksOf(s.id());
        int desired = s.spec().global() ? NodeEligibility.globalDesired(s, view) : s.spec().replicas();
        int running = (int) tasks.stream()
                .filter(t -> t.desiredState() == TaskState.RUNNING && t.status().state() == TaskState.RUNNING)
                .count();
        return new ServiceView(s.id(), s.name(), lower(s.spec().mode()), running, desired, s.spec().image(), "",
                s.spec().maxReplicasPerNode(), s.version(), s.createdAt(), s.updatedAt(),
                Json.MAPPER.valueToTree(s.spec()));
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String capital(Enum<?> e) {
        String s = lower(e);
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
