package io.trellis.controlplane.store;

/**
 * Cluster-wide facts set by {@code swarm init}: identity, the root CA (certificate and key, PEM —
 * the whole store is encrypted at rest) and the current join tokens, one per role.
 *
 * @param unlockKey with autolock, the key (SWMKEY-1-…) that opens every manager's sealed data key;
 *                  null when the swarm is not autolocked. Kept here, like swarmkit, so joining
 *                  managers seal with it too and a rotation reaches every manager.
 */
public record ClusterInfo(String id, long createdAt, String rootCaCertificate, String rootCaKey, String workerToken,
                          String managerToken, String unlockKey) {

    /** A cluster record without PKI material (tests that do not exercise joining). */
    public ClusterInfo(String id, long createdAt) {
        this(id, createdAt, null, null, null, null, null);
    }

    public ClusterInfo withTokens(String worker, String manager) {
        return new ClusterInfo(id, createdAt, rootCaCertificate, rootCaKey, worker, manager, unlockKey);
    }

    public ClusterInfo withUnlockKey(String key) {
        return new ClusterInfo(id, createdAt, rootCaCertificate, rootCaKey, workerToken, managerToken, key);
    }
}
