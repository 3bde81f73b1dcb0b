package io.trellis.controlplane.store;

/** Cluster-wide facts set once by {@code swarm init}. */
public record ClusterInfo(String id, long createdAt) {
}
