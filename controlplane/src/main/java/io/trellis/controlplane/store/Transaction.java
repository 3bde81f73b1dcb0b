package io.trellis.controlplane.store;

import java.util.HashMap;
import java.util.Map;

/** Mutable working copy of a snapshot while one batch of ops is applied; discarded on rejection. */
public final class Transaction {
    private ClusterInfo cluster;
    private final Map<String, Node> nodes;
    private final Map<String, Service> services;
    private final Map<String, Task> tasks;
    private final Map<String, Network> networks;
    private final Map<String, Secret> secrets;

    Transaction(ClusterSnapshot base) {
        this.cluster = base.cluster();
        this.nodes = new HashMap<>(base.nodes());
        this.services = new HashMap<>(base.services());
        this.tasks = new HashMap<>(base.tasks());
        this.networks = new HashMap<>(base.networks());
        this.secrets = new HashMap<>(base.secrets());
    }

    public ClusterInfo cluster() {
        return cluster;
    }

    void setCluster(ClusterInfo c) {
        this.cluster = c;
    }

    public Map<String, Node> nodes() {
        return nodes;
    }

    public Map<String, Service> services() {
        return services;
    }

    public Map<String, Task> tasks() {
        return tasks;
    }

    public Map<String, Network> networks() {
        return networks;
    }

    public Map<String, Secret> secrets() {
        return secrets;
    }

    public Service serviceByName(String name) {
        for (Service s : services.values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    ClusterSnapshot commit(long index) {
        return new ClusterSnapshot(index, cluster, nodes, services, tasks, networks, secrets);
    }
}
