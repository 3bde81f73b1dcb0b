package io.trellis.controlplane.store;

import java.util.Set;
import java.util.TreeSet;

/**
 * Cluster-wide facts set by {@code swarm init}: identity, the root CA (certificate and key, PEM —
 * the whole store is encrypted at rest) and the current join tokens, one per role.
 *
 * @param unlockKey with autolock, the key (SWMKEY-1-…) that opens every manager's sealed data key;
 *                  null when the swarm is not autolocked. Kept here, like swarmkit, so joining
 *                  managers seal with it too and a rotation reaches every manager.
 * @param removedNodes IDs of nodes removed with {@code node rm}: their certificates stay valid until
 *                  they expire, so every listener refuses these IDs by name (a revocation list)
 */
public record ClusterInfo(String id, long createdAt, String rootCaCertificate, String rootCaKey, String workerToken,
                          String managerToken, String unlockKey, Set<String> removedNodes) {

    public ClusterInfo {
        // Entries written before removals were recorded decode with null.
        removedNodes = removedNodes == null ? Set.of() : Set.copyOf(removedNodes);
    }

    public ClusterInfo(String id, long createdAt, String rootCaCertificate, String rootCaKey, String workerToken,
                       String managerToken, String unlockKey) {
        this(id, createdAt, rootCaCertificate, rootCaKey, workerToken, managerToken, unlockKey, Set.of());
    }

    /** A cluster record without PKI material (tests that do not exercise joining). */
    public ClusterInfo(String id, long createdAt) {
        this(id, createdAt, null, null, null, null, null);
    }

    public ClusterInfo withTokens(String worker, String manager) {
        return new ClusterInfo(id, createdAt, rootCaCertificate, rootCaKey, worker, manager, unlockKey, removedNodes);
    }

    public ClusterInfo withUnlockKey(String key) {
        return new ClusterInfo(id, createdAt, rootCaCertificate, rootCaKey, workerToken, managerToken, key,
                removedNodes);
    }

    public ClusterInfo withRemovedNode(String nodeId) {
        Set<String> removed = new TreeSet<>(removedNodes);
        removed.add(nodeId);
        return new ClusterInfo(id, createdAt, rootCaCertificate, rootCaKey, workerToken, managerToken, unlockKey,
                removed);
    }

    public boolean removed(String nodeId) {
        return removedNodes.contains(nodeId);
    }
}
