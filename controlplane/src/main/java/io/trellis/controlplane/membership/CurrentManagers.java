package io.trellis.controlplane.membership;

import io.trellis.controlplane.pki.NodeIdentity;
import io.trellis.controlplane.pki.PeerAuthorization;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Raft peers authorised by the store, not only by their certificate: a node removed with
 * {@code node rm}, demoted to a worker, or never admitted holds no Raft connection, even with an
 * unexpired manager certificate of this cluster.
 *
 * <p>A voter of the current Raft configuration is let in even when the store already says worker:
 * a leader that demotes itself records the role first and leaves the group afterwards, which it
 * can only do while the others still accept it. Every other demotion leaves the group first.
 *
 * <p>A replica that has not yet applied the cluster's first entry (a manager that has just joined
 * and is catching up, or one replaying its log at start) has no membership to consult; until then
 * the certificate alone decides, as the leader that feeds it the log must get in. The window ends
 * with the first applied entry, which on a restart is the local log's replay.
 */
public final class CurrentManagers implements PeerAuthorization {
    private final Supplier<ClusterSnapshot> view;
    private final Supplier<Set<String>> voters;

    /** @param voters node IDs in the replica's current Raft configuration */
    public CurrentManagers(Supplier<ClusterSnapshot> view, Supplier<Set<String>> voters) {
        this.view = view;
        this.voters = voters;
    }

    @Override
    public String refusal(NodeIdentity peer) {
        ClusterSnapshot s = view.get();
        if (s.cluster() == null) {
            return null;
        }
        if (s.cluster().removed(peer.nodeId())) {
            return "node " + peer.nodeId() + " was removed from the swarm";
        }
        Node n = s.nodes().get(peer.nodeId());
        if (voters.get().contains(peer.nodeId())) {
            return null;
        }
        if (n == null) {
            return "node " + peer.nodeId() + " is not a member of the swarm";
        }
        if (n.role() != Node.Role.MANAGER) {
            return "node " + peer.nodeId() + " (" + n.hostname() + ") is not a manager of the swarm";
        }
        return null;
    }
}
