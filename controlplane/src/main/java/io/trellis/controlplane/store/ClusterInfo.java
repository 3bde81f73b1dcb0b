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
 * @param addressPool  {@code --default-addr-pool}: where networks without {@code --subnet} get theirs
 * @param subnetSize   {@code --default-addr-pool-mask-length}: the prefix length of those subnets
 */
public record ClusterInfo(String id, long createdAt, String rootCaCertificate, String rootCaKey, String workerToken,
                          String managerToken, String unlockKey, Set<String> removedNodes, String addressPool,
                          int subnetSize) {

    public static final String ADDRESS_POOL_DEFAULT = "10.0.0.0/8";
    public static final int SUBNET_SIZE_DEFAULT = 24;

    public ClusterInfo {
        // Entries written before removals and pools were recorded decode with null and 0.
        removedNodes = removedNodes == null ? Set.of() : Set.copyOf(removedNodes);
        addressPool = addressPool == null ? ADDRESS_POOL_DEFAULT : addressPool;
        subnetSize = subnetSize == 0 ? SUBNET_SIZE_DEFAULT : subnetSize;
    }

    public ClusterInfo(String id, long createdAt, String rootCaCertificate, String rootCaKey, String workerToken,
                       String managerToken, String unlockKey) {
        this(id, createdAt, rootCaCertificate, rootCaKey, workerToken, managerToken, unlockKey, Set.of(), null, 0);
    }

    public ClusterInfo withAddressPool(String pool, int size) {
        return new ClusterInfo(id, createdAt, rootCaCertificate, rootCaKey, workerToken, managerToken, unlockKey,
                removedNodes, pool, size);
    }

    /** A cluster record without PKI material (tests that do not exercise joining). */
    public ClusterInfo(String id, long createdAt) {
        this(id, createdAt, null, null, null, null, null);
    }

    public ClusterInfo withTokens(String worker, String manager) {
        return new ClusterInfo(id, createdAt, rootCaCertificate, rootCaKey, worker, manager, unlockKey, removedNodes,
                addressPool, subnetSize);
    }

    public ClusterInfo withUnlockKey(String key) {
        return new ClusterInfo(id, createdAt, rootCaCertificate, rootCaKey, workerToken, managerToken, key,
                removedNodes, addressPool, subnetSize);
    }

    public ClusterInfo withRemovedNode(String nodeId) {
        Set<String> removed = new TreeSet<>(removedNodes);
        removed.add(nodeId);
        return new ClusterInfo(id, createdAt, rootCaCertificate, rootCaKey, workerToken, managerToken, unlockKey,
                removed, addressPool, subnetSize);
    }

    public boolean removed(String nodeId) {
        return removedNodes.contains(nodeId);
    }
}
