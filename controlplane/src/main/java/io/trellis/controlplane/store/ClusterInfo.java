package io.trellis.controlplane.store;

/**
 * Cluster-wide facts set by {@code swarm init}: identity, the root CA (certificate and key, PEM —
 * the whole store is encrypted at rest) and the current join tokens, one per role.
 */
public record ClusterInfo(String id, long createdAt, String rootCaCertificate, String rootCaKey, String workerToken,
                          String managerToken) {

    /** A cluster record without PKI material (tests that do not exercise joining). */
    public ClusterInfo(String id, long createdAt) {
        this(id, createdAt, null, null, null, null);
    }

    public ClusterInfo withTokens(String worker, String manager) {
        return new ClusterInfo(id, createdAt, rootCaCertificate, rootCaKey, worker, manager);
    }
}
