package io.trellis.daemon;

import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.membership.QuorumRules;
import io.trellis.controlplane.raft.RaftConfiguration;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Proposer;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import io.trellis.controlplane.store.StoreWriter;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code node promote/demote/rm}: role changes are written to the store (the node itself then
 * renews its certificate and starts or stops its manager side); a demotion first takes the node out
 * of the Raft group, and is refused when it would leave the swarm without a manager or a quorum
 * ({@link QuorumRules} decides; this class carries the change out). Once it is out, the Raft data
 * key is rotated, so entries written from then on are closed to a copy of its keys.
 */
final class MembershipChanges {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipChanges.class);
    private static final java.time.Duration LEADER_CHANGE_WAIT = java.time.Duration.ofSeconds(15);

    private final ControlPlane manager;
    private final Clock clock;

    MembershipChanges(ControlPlane manager, Clock clock) {
        this.manager = manager;
        this.clock = clock;
    }

    /** @return a line saying what happened */
    String promote(String ref) {
        Node n = manager.api().node(ref);
        if (n.role() == Node.Role.MANAGER) {
            return "Node " + n.hostname() + " is already a manager.";
        }
        String managerAddr = n.address() + ":" + AgentConfiguration.CLUSTER_PORT_DEFAULT;
        put(new Node(n.id(), n.hostname(), Node.Role.MANAGER, n.availability(), n.status(), n.address(),
                n.engineVersion(), n.labels(), n.createdAt(), clock.millis(), managerAddr));
        return "Node " + n.hostname() + " promoted to a manager in the swarm.";
    }

    String demote(String ref) {
        ClusterSnapshot view = manager.store().view();
        Node n = manager.api().node(ref);
        if (n.role() == Node.Role.WORKER) {
            return "Node " + n.hostname() + " is already a worker.";
        }
        List<String> voters = manager.raftMembers().stream().map(RaftConfiguration.Peer::id).toList();
        require(QuorumRules.demote(n, view, voters, reachable()));
        // A manager demoting itself only records it: once out of the group its replica could not
        // commit the new role, so the node leaves the group itself when it hears the role (RoleChange).
        boolean self = manager.selfId().filter(n.id()::equals).isPresent();
        if (!self && voters.contains(n.id())) {
            try {
                manager.removeRaftMember(n.id());
            } catch (IOException e) {
                throw new ApiException(ApiException.Kind.UNAVAILABLE, "taking " + n.hostname()
                        + " out of the Raft group failed: " + e.getMessage());
            }
        }
        Node now = manager.store().view().nodes().get(n.id());
        put(new Node(now.id(), now.hostname(), Node.Role.WORKER, now.availability(), now.status(), now.address(),
                now.engineVersion(), now.labels(), now.createdAt(), clock.millis(), null));
        String demoted = "Manager " + n.hostname() + " demoted in the swarm.";
        if (self) {
            return demoted; // still a voter: it rotates the key itself just before it leaves (RoleChange)
        }
        try {
            manager.rotateDataKey();
            return demoted;
        } catch (RuntimeException e) {
            LOG.warn("the Raft data key was not rotated after demoting {}: {}", n.hostname(), e.getMessage());
            return demoted + " The Raft data key was not rotated (" + e.getMessage() + "): a copy of its keys "
                    + "still opens what the managers write until the next rotation.";
        }
    }

    /** A manager is refused ({@link QuorumRules#remove}): its demotion, which rotated the data key, comes first. */
    String remove(String ref, boolean force) {
        Node n = manager.api().node(ref);
        require(QuorumRules.remove(n, force));
        commit(StoreBatch.of(new StoreOp.DeleteNode(n.id(), clock.millis())));
        return n.id();
    }

    /** Managers this one has heard from recently (itself and, on a follower, the leader). */
    Set<String> reachable() {
        return QuorumRules.reachable(manager.raftLastContactMillis(), manager.selfId(), manager.leaderId());
    }

    private static void require(QuorumRules.Decision d) {
        if (!d.allowed()) {
            throw new ApiException(ApiException.Kind.CONFLICT, d.reason());
        }
    }

    private void put(Node n) {
        commit(StoreBatch.of(new StoreOp.PutNode(n)));
    }

    /**
     * Commits, retrying while leadership moves: demoting the leader takes it out of the Raft group,
     * so the role change that follows is written under the next leader.
     */
    private void commit(StoreBatch batch) {
        long deadline = System.nanoTime() + LEADER_CHANGE_WAIT.toNanos();
        while (true) {
            try {
                StoreReply reply = manager.writer().submit(batch);
                if (!reply.ok()) {
                    throw new ApiException(ApiException.Kind.CONFLICT, reply.error());
                }
                return;
            } catch (Proposer.NotLeaderException | StoreWriter.StoreUnavailableException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new ApiException(ApiException.Kind.UNAVAILABLE, "the cluster store did not accept the change: "
                            + e.getMessage());
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ApiException(ApiException.Kind.UNAVAILABLE, "interrupted");
                }
            }
        }
    }
}
