package io.trellis.daemon;

import io.trellis.controlplane.atrest.KeyRing;
import io.trellis.controlplane.pki.NodeTls;

/**
 * What makes this node a swarm member, as {@code swarm init} creates it or a manager grants it on
 * {@code swarm join}, before it is saved.
 *
 * @param dataKeys  the Raft data keys, for a manager; null for a worker
 * @param unlockKey the swarm's unlock key when it is autolocked (it seals the data key), else null
 */
record MembershipGrant(SwarmIdentity identity, NodeTls tls, KeyRing dataKeys, String unlockKey) {
}
