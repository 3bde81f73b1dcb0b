package io.trellis.lab;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.NodeView;
import io.trellis.api.VolumeView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a lab holds that a test class may change: its nodes (identity, status, availability, labels), the
 * cluster's networks, secrets and services, each node's volumes, and the task namespaces on the host. Two reads
 * are compared with {@link #isAsBefore}.
 */
record LabBaseline(Map<String, NodeState> nodes, Set<String> networks, Set<String> secrets, Set<String> services,
                   Map<String, Set<String>> volumes, Set<String> taskNamespaces) {

    record NodeState(String id, String status, String availability, Map<String, String> labels) {
    }

    /** The lab as {@code nodes.get(0)}, its manager, and each node's agent (for its own volumes) see it now. */
    static LabBaseline read(List<LabState.LabNode> nodes) throws IOException {
        LabState.LabNode manager = nodes.get(0);
        Map<String, Set<String>> volumes = new TreeMap<>();
        for (LabState.LabNode n : nodes) {
            volumes.put(n.name(), volumes(n));
        }
        return new LabBaseline(nodeStates(manager), names(manager, "/networks"), names(manager, "/secrets"),
                names(manager, "/services"), volumes, hostTaskNamespaces());
    }

    /** Each node as the manager sees it, by hostname. */
    static Map<String, NodeState> nodeStates(LabState.LabNode manager) throws IOException {
        Map<String, NodeState> states = new TreeMap<>();
        for (NodeView n : LabAdmin.get(manager, "/nodes", new TypeReference<List<NodeView>>() { })) {
            states.put(n.hostname(), new NodeState(n.id(), n.status(), n.availability(),
                    n.labels() == null ? Map.of() : new TreeMap<>(n.labels())));
        }
        return states;
    }

    /** The node's own volumes: a volume is local to the node that made it. */
    static Set<String> volumes(LabState.LabNode n) throws IOException {
        return LabAdmin.get(n, "/volumes", new TypeReference<List<VolumeView>>() { }).stream()
                .map(VolumeView::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Whether the lab holds what {@code was} held. Task namespaces may have gone since (another agent's, made
     * before the lab came up) but none may have come.
     */
    boolean isAsBefore(LabBaseline was) {
        return nodes.equals(was.nodes) && networks.equals(was.networks) && secrets.equals(was.secrets)
                && services.equals(was.services) && volumes.equals(was.volumes)
                && was.taskNamespaces.containsAll(taskNamespaces);
    }

    static Set<String> names(LabState.LabNode manager, String path) throws IOException {
        return LabAdmin.get(manager, path, new TypeReference<List<Map<String, Object>>>() { }).stream()
                .map(o -> String.valueOf(o.get("name"))).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Every task's and ingress sandbox's namespace on this host, whichever agent made it. */
    static Set<String> hostTaskNamespaces() throws IOException {
        Path dir = Lab.TASK_NETNS_DIR;
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
