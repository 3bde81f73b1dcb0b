package io.trellis.controlplane.store;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, consistent view of everything the cluster knows at one log index. Readers take one
 * and never lock; writers publish a new one per commit.
 */
public record ClusterSnapshot(
        long index,
        ClusterInfo cluster,
        Map<String, Node> nodes,
        Map<String, Service> services,
        Map<String, Task> tasks,
        Map<String, Network> networks,
        Map<String, Secret> secrets) {

    public static final ClusterSnapshot EMPTY = new ClusterSnapshot(0, null, Map.of(), Map.of(), Map.of(), Map.of(),
            Map.of());

    public ClusterSnapshot {
        nodes = Map.copyOf(nodes);
        services = Map.copyOf(services);
        tasks = Map.copyOf(tasks);
        // Snapshots written before networks existed decode with null.
        networks = networks == null ? Map.of() : Map.copyOf(networks);
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
    }

    public ClusterSnapshot(long index, ClusterInfo cluster, Map<String, Node> nodes, Map<String, Service> services,
                           Map<String, Task> tasks, Map<String, Network> networks) {
        this(index, cluster, nodes, services, tasks, networks, Map.of());
    }

    public ClusterSnapshot(long index, ClusterInfo cluster, Map<String, Node> nodes, Map<String, Service> services,
                           Map<String, Task> tasks) {
        this(index, cluster, nodes, services, tasks, Map.of(), Map.of());
    }

    /** Looks a secret up like the Docker CLI: full ID, name, then unique ID prefix. */
    public Optional<Secret> findSecret(String ref) {
        Secret byId = secrets.get(ref);
        if (byId != null) {
            return Optional.of(byId);
        }
        Optional<Secret> byName = secrets.values().stream().filter(s -> s.name().equals(ref)).findFirst();
        if (byName.isPresent() || ref.isEmpty()) {
            return byName;
        }
        List<Secret> prefixed = secrets.values().stream().filter(s -> s.id().startsWith(ref)).toList();
        return prefixed.size() == 1 ? Optional.of(prefixed.get(0)) : Optional.empty();
    }

    /** Looks a network up like the Docker CLI: full ID, name, then unique ID prefix. */
    public Optional<Network> findNetwork(String ref) {
        Network byId = networks.get(ref);
        if (byId != null) {
            return Optional.of(byId);
        }
        Optional<Network> byName = networks.values().stream().filter(n -> n.name().equals(ref)).findFirst();
        if (byName.isPresent()) {
            return byName;
        }
        List<Network> prefixed = networks.values().stream().filter(n -> n.id().startsWith(ref)).toList();
        return prefixed.size() == 1 ? Optional.of(prefixed.get(0)) : Optional.empty();
    }

    public Optional<Service> serviceByName(String name) {
        return services.values().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Looks a service up the way the Docker CLI does: full ID, name, then unique ID prefix. */
    public Optional<Service> findService(String ref) {
        Service byId = services.get(ref);
        if (byId != null) {
            return Optional.of(byId);
        }
        Optional<Service> byName = serviceByName(ref);
        if (byName.isPresent()) {
            return byName;
        }
        List<Service> prefixed = services.values().stream().filter(s -> s.id().startsWith(ref)).toList();
        return prefixed.size() == 1 ? Optional.of(prefixed.get(0)) : Optional.empty();
    }

    public List<Task> tasksOf(String serviceId) {
        return tasks.values().stream()
                .filter(t -> t.serviceId().equals(serviceId))
                .sorted(Comparator.comparingInt(Task::slot)
                        .thenComparing(t -> t.slot() == Task.GLOBAL_SLOT ? String.valueOf(t.nodeId()) : "")
                        .thenComparing(Comparator.comparingLong(Task::createdAt).reversed()))
                .toList();
    }

    public List<Task> tasksOnNode(String nodeId) {
        return tasks.values().stream().filter(t -> nodeId.equals(t.nodeId())).toList();
    }
}
