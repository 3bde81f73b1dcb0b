package io.trellis.daemon;

import io.trellis.controlplane.atrest.DataKeyStore;
import io.trellis.controlplane.atrest.KeyRing;
import io.trellis.controlplane.pki.CertificateAuthority;
import io.trellis.controlplane.pki.JoinToken;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.pki.Pem;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.Ids;
import io.trellis.controlplane.store.NetworkSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code swarm init} creates: the cluster record (root CA, join tokens, unlock key, address
 * pool), the ingress network, and the membership of its first manager, whose certificate that CA issues.
 */
record NewSwarm(MembershipGrant member, ClusterInfo cluster, long createdAt) {

    /** The routing mesh's network, as Docker names it. */
    static final String INGRESS = "ingress";

    /** A swarm whose first manager is reached at {@code addr} (Raft on {@code raftPort}) and {@code listen}. */
    static NewSwarm create(String addr, String listen, int raftPort, boolean autolock, AddressPool pool, Clock clock) {
        String clusterId = Ids.newId();
        String nodeId = Ids.newId();
        CertificateAuthority ca = CertificateAuthority.create(clusterId, clock);
        SwarmIdentity id = new SwarmIdentity(clusterId, nodeId, NodeAddresses.hostPort(addr, raftPort), addr,
                SwarmIdentity.MANAGER, listen, List.of(listen));
        KeyRing dataKeys = KeyRing.create();
        String unlockKey = autolock ? DataKeyStore.newUnlockKey() : null;
        ClusterInfo cluster = new ClusterInfo(clusterId, clock.millis(), Pem.encode(ca.certificate()),
                Pem.encode(ca.key()), JoinToken.generate(ca.certificate()).toString(),
                JoinToken.generate(ca.certificate()).toString(), unlockKey)
                .withAddressPool(pool.cidr(), pool.subnetSize());
        return new NewSwarm(new MembershipGrant(id, ca.issueLocal(nodeId, NodeRole.MANAGER, clusterId), dataKeys, unlockKey),
                cluster, clock.millis());
    }

    /**
     * The first commit: the cluster record and the ingress network, which takes the pool's first
     * subnet and the first VNI (10.0.0.0/24 and 4096 by default, as in Docker).
     */
    StoreBatch firstBatch() {
        NetworkSpec ingress = new NetworkSpec(INGRESS, NetworkSpec.OVERLAY, null, null, false, false, true, Map.of());
        return StoreBatch.of(new StoreOp.InitCluster(cluster),
                new StoreOp.CreateNetwork(Ids.newId(), ingress, List.of(), createdAt));
    }

    /** What {@code swarm init} answers: the new node and cluster ids, and the unlock key when autolocked. */
    Map<String, String> reply() {
        Map<String, String> reply = new LinkedHashMap<>();
        reply.put("nodeId", member.identity().nodeId());
        reply.put("clusterId", member.identity().clusterId());
        if (member.unlockKey() != null) {
            reply.put("unlockKey", member.unlockKey());
        }
        return reply;
    }
}
