package io.trellis.controlplane.membership;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * When {@code node demote} and {@code node rm} may go ahead: pure functions of the store, the Raft
 * voters and which managers answer, so the arithmetic is testable without a cluster. The caller
 * carries the change out; a refusal holds the one line shown to the user.
 */
public final class QuorumRules {
    /** A manager the leader has not heard from for this long counts as unreachable. */
    public static final long REACHABLE_WITHIN_MILLIS = 3_000;

    private QuorumRules() {
    }

    /** May go ahead, or is refused for {@code reason}. */
    public record Decision(boolean allowed, String reason) {
        static final Decision ALLOWED = new Decision(true, null);

        static Decision refused(String reason) {
            return new Decision(false, reason);
        }
    }

    /** Votes a group of {@code voters} needs to commit: a strict majority. */
    public static int quorum(int voters) {
        return voters / 2 + 1;
    }

    /**
     * Demoting the manager {@code node}: refused when it is the last manager in the store or the
     * only Raft voter, and when the voters left without it, counting only the reachable ones, could
     * not form a quorum of the smaller group (it could then commit nothing, not even the role change).
     *
     * @param voters    Raft voter ids now; the node may be missing (promoted, not yet in the group)
     * @param reachable managers heard from recently, see {@link #reachable}
     */
    public static Decision demote(Node node, ClusterSnapshot view, Collection<String> voters, Set<String> reachable) {
        long managers = view.nodes().values().stream().filter(m -> m.role() == Node.Role.MANAGER).count();
        boolean lastVoter = voters.size() == 1 && voters.contains(node.id());
        if (managers <= 1 || lastVoter) {
            return Decision.refused("cannot demote " + node.hostname()
                    + ": it is the last manager of the swarm; promote another node first");
        }
        Set<String> remaining = voters.stream().filter(id -> !id.equals(node.id())).collect(Collectors.toSet());
        long reachableAfter = remaining.stream().filter(reachable::contains).count();
        int needed = quorum(remaining.size());
        if (!remaining.isEmpty() && reachableAfter < needed) {
            return Decision.refused("cannot demote " + node.hostname() + ": " + reachableAfter + " of the "
                    + remaining.size() + " remaining managers are reachable, fewer than a quorum (" + needed
                    + "); bring managers back first");
        }
        return Decision.ALLOWED;
    }

    /**
     * Removing {@code node} from the swarm: never a manager (it holds a Raft vote; demote it first),
     * and a worker only once it is not Ready, unless forced.
     */
    public static Decision remove(Node node, boolean force) {
        if (node.role() == Node.Role.MANAGER) {
            return Decision.refused("node " + node.hostname() + " is a manager and a member "
                    + "of the Raft group; demote it to a worker before removing it");
        }
        if (node.status() == Node.Status.READY && !force) {
            return Decision.refused("node " + node.hostname() + " is not down and cannot be "
                    + "removed; stop it, or use --force");
        }
        return Decision.ALLOWED;
    }

    /**
     * Managers this one counts as reachable: those it heard from within {@link #REACHABLE_WITHIN_MILLIS},
     * itself, and the leader it follows (a follower hears only from the leader).
     *
     * @param lastContactMillis per manager id, milliseconds since this node last heard from it
     */
    public static Set<String> reachable(Map<String, Long> lastContactMillis, Optional<String> self,
                                        Optional<String> leader) {
        Set<String> ok = lastContactMillis.entrySet().stream().filter(e -> e.getValue() <= REACHABLE_WITHIN_MILLIS)
                .map(Map.Entry::getKey).collect(Collectors.toCollection(HashSet::new));
        self.ifPresent(ok::add);
        leader.ifPresent(ok::add);
        return ok;
    }
}
