package io.trellis.daemon;

import io.trellis.controlplane.api.ApiException;
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
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code node promote/demote/rm}: role changes are written to the store (the node itself then
 * renews its certificate and starts or stops its manager side); a demotion first takes the node out
 * of the Raft group, and is refused when it would leave the swarm without a manager or a quorum.
 */
final class MembershipChanges {
    /** A manager the leader has not heard from for this long counts as unreachable. */
    static final long REACHABLE_WITHIN_MILLIS = 3_000;
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
        List<RaftConfiguration.Peer> members = manager.raftMembers();
        long managers = view.nodes().values().stream().filter(m -> m.role() == Node.Role.MANAGER).count();
        boolean lastVoter = members.size() == 1 && members.get(0).id().equals(n.id());
        if (managers <= 1 || lastVoter) {
            throw new ApiException(ApiException.Kind.CONFLICT, "cannot demote " + n.hostname()
                    + ": it is the last manager of the swarm; promote another node first");
        }
        Set<String> reachable = reachable();
        Set<String> remaining = members.stream().map(RaftConfiguration.Peer::id)
                .filter(id -> !id.equals(n.id())).collect(Collectors.toSet());
        long reachableAfter = remaining.stream().filter(reachable::contains).count();
        if (!remaining.isEmpty() && reachableAfter < remaining.size() / 2 + 1) {
            throw new ApiException(ApiException.Kind.CONFLICT, "cannot demote " + n.hostname() + ": "
                    + reachableAfter + " of the " + remaining.size() + " remaining managers are reachable, "
                    + "fewer than a quorum (" + (remaining.size() / 2 + 1) + "); bring managers back first");
        }
        // A manager demoting itself only records it: once out of the group its replica could not
        // commit the new role, so the node leaves the group itself when it hears the role (RoleChange).
        boolean self = manager.selfId().filter(n.id()::equals).isPresent();
        if (!self && members.stream().anyMatch(p -> p.id().equals(n.id()))) {
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
        return "Manager " + n.hostname() + " demoted in the swarm.";
    }

    String remove(String ref, boolean force) {
        Node n = manager.api().node(ref);
        if (n.role() == Node.Role.MANAGER) {
            throw new ApiException(ApiException.Kind.CONFLICT, "node " + n.hostname() + " is a manager and a member "
                    + "of the Raft group; demote it to a worker before removing it");
        }
        if (n.status() == Node.Status.READY && !force) {
            throw new ApiException(ApiException.Kind.CONFLICT, "node " + n.hostname() + " is not down and cannot be "
                    + "removed; stop it, or use --force");
        }
        commit(StoreBatch.of(new StoreOp.DeleteNode(n.id(), clock.millis())));
        return n.id();
    }

    /** Managers this one has heard from recently (itself and, on a follower, the leader). */
    Set<String> reachable() {
        Map<String, Long> contact = manager.raftLastContactMillis();
        Set<String> ok = contact.entrySet().stream().filter(e -> e.getValue() <= REACHABLE_WITHIN_MILLIS)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        manager.selfId().ifPresent(ok::add);
        manager.leaderId().ifPresent(ok::add);
        return ok;
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
