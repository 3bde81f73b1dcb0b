package io.trellis.daemon;

import io.trellis.api.Json;
import io.trellis.api.NetworkAddress;
import io.trellis.api.NetworkView;
import io.trellis.api.NodeView;
import io.trellis.api.ServiceView;
import io.trellis.api.TaskView;
import io.trellis.api.UpdateStatusView;
import io.trellis.controlplane.orchestrator.NodeEligibility;
import io.trellis.controlplane.orchestrator.TaskTemplate;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Network;
import io.trellis.controlplane.store.NetworkAllocator;
import io.trellis.controlplane.store.NetworkKey;
import io.trellis.controlplane.store.NetworkSpec;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.PortConfig;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.UpdateStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

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
                n.createdAt(), n.updatedAt(), TaskHealthViews.resources(n.resources()), n.runtimes());
    }

    static TaskView task(Task t, ClusterSnapshot view) {
        Node n = t.nodeId() == null ? null : view.nodes().get(t.nodeId());
        List<NetworkAddress> networks = t.networks().stream()
                .map(a -> new NetworkAddress(networkName(a.networkId(), view), a.address())).toList();
        return new TaskView(t.id(), t.name(), t.serviceId(), t.serviceName(), t.slot(), t.image(), t.command(),
                t.nodeId(), n == null ? "" : n.hostname(), t.desiredState().display(), t.status().state().display(),
                t.status().timestamp(), t.status().message(), t.status().error(), t.status().exitCode(),
                t.status().pid(), t.createdAt(), networks, TaskHealthViews.health(t.status().health()));
    }

    /** The desired count of a global service is the number of nodes that should run one of its tasks. */
    static ServiceView service(Service s, ClusterSnapshot view) {
        List<Task> tasks = view.tasksOf(s.id());
        int desired = s.spec().global() ? NodeEligibility.globalDesired(s, view) : s.spec().replicas();
        int running = (int) tasks.stream().filter(TaskHealthViews::up).count();
        List<String> networks = s.spec().networkIds().stream().map(id -> networkName(id, view)).toList();
        List<NetworkAddress> vips = s.virtualIps().stream()
                .map(v -> new NetworkAddress(networkName(v.networkId(), view), v.address())).toList();
        int outdated = (int) tasks.stream().filter(t -> t.desiredState() == TaskState.RUNNING
                && !t.status().state().isTerminal() && TaskTemplate.outdated(t, s.spec())).count();
        int upToDate = (int) tasks.stream().filter(t -> TaskHealthViews.up(t) && TaskTemplate.current(t, s.spec()))
                .count();
        String ports = s.spec().ports().stream().map(PortConfig::display).collect(Collectors.joining(", "));
        return new ServiceView(s.id(), s.name(), lower(s.spec().mode()), running, desired, s.spec().image(), ports,
                s.spec().maxReplicasPerNode(), s.version(), s.createdAt(), s.updatedAt(),
                Json.MAPPER.valueToTree(s.spec()), networks, vips, outdated,
                s.previousSpec() == null ? null : Json.MAPPER.valueToTree(s.previousSpec()),
                updateStatus(s.updateStatus()), upToDate);
    }

    private static UpdateStatusView updateStatus(UpdateStatus u) {
        return u == null ? null : new UpdateStatusView(lower(u.state()), u.startedAt(), u.completedAt(), u.message());
    }

    /**
     * A network with the services on it (and their VIPs) and its peers: the nodes with a task there
     * that has not ended. Keys stay out.
     */
    static NetworkView network(Network n, ClusterSnapshot view) {
        List<NetworkView.ServiceEndpoint> services = view.services().values().stream()
                .filter(s -> s.spec().networkIds().contains(n.id()))
                .sorted(Comparator.comparing(Service::name))
                .map(s -> new NetworkView.ServiceEndpoint(s.name(), Objects.requireNonNullElse(s.virtualIp(n.id()), "")))
                .toList();
        Set<String> peerIds = new TreeSet<>();
        for (Task t : view.tasks().values()) {
            if (t.nodeId() != null && t.address(n.id()) != null && NetworkAllocator.holdsAddress(t)) {
                peerIds.add(t.nodeId());
            }
        }
        List<NetworkView.Peer> peers = peerIds.stream().map(view.nodes()::get).filter(Objects::nonNull)
                .sorted(Comparator.comparing(Node::hostname))
                .map(node -> new NetworkView.Peer(node.hostname(), node.address())).toList();
        NetworkSpec spec = n.spec();
        return new NetworkView(n.id(), n.name(), spec.driver(), "swarm", n.subnet(), n.gateway(), n.vni(),
                spec.encrypted(), spec.attachable(), spec.ingress(), spec.labels(), n.createdAt(), services, peers,
                n.keys().stream().map(NetworkKey::createdAt).toList());
    }

    /** A network's name, or its ID once it is gone (a task's history outlives the network). */
    private static String networkName(String id, ClusterSnapshot view) {
        Network n = view.networks().get(id);
        return n == null ? id : n.name();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String capital(Enum<?> e) {
        String s = lower(e);
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
