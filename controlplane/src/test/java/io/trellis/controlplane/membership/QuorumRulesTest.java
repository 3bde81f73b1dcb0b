package io.trellis.controlplane.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Node;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuorumRulesTest {
    /**
     * Per swarm size: the quorum of the group left after a demotion, and how many of its members
     * may be unreachable while it still commits (Raft's fault tolerance: 4 tolerate 1, 6 tolerate 2).
     */
    private record Size(int managers, int quorumOfRest, int toleratedOfRest) {
    }

    private static final List<Size> SIZES = List.of(new Size(2, 1, 0), new Size(3, 2, 0), new Size(5, 3, 1),
            new Size(7, 4, 2));

    @Test
    void quorumIsAStrictMajority() {
        assertThat(List.of(1, 2, 3, 4, 5, 6, 7).stream().map(QuorumRules::quorum).toList())
                .containsExactly(1, 2, 2, 3, 3, 4, 4);
    }

    /**
     * Every swarm of 2, 3, 5 and 7 managers, with 0 to all of them unreachable (the leader last), and
     * every manager as the one demoted: allowed exactly when the unreachable among the others stay
     * within what the smaller group tolerates.
     */
    @Test
    void demotionNeedsTheRemainingManagersToKeepAQuorumOfReachableVoters() {
        int cases = 0;
        for (Size size : SIZES) {
            List<String> ids = ids(size.managers());
            ClusterSnapshot view = managers(size.managers());
            // Unreachable first among the followers, the leader (m0) last: on a real leader it is always reachable.
            List<String> outageOrder = new ArrayList<>(ids.subList(1, ids.size()));
            outageOrder.add(ids.get(0));
            for (int down = 0; down <= size.managers(); down++) {
                Set<String> unreachable = Set.copyOf(outageOrder.subList(0, down));
                Set<String> reachable = new HashSet<>(ids);
                reachable.removeAll(unreachable);
                for (String target : ids) {
                    long unreachableOfRest = unreachable.stream().filter(id -> !id.equals(target)).count();
                    long reachableOfRest = size.managers() - 1 - unreachableOfRest;
                    QuorumRules.Decision d = QuorumRules.demote(view.nodes().get(target), view, ids, reachable);
                    String what = size.managers() + " managers, " + down + " unreachable, demoting " + target;
                    if (unreachableOfRest <= size.toleratedOfRest()) {
                        assertThat(d).as(what).isEqualTo(new QuorumRules.Decision(true, null));
                    } else {
                        assertThat(d).as(what).isEqualTo(new QuorumRules.Decision(false, "cannot demote host-" + target
                                + ": " + reachableOfRest + " of the " + (size.managers() - 1) + " remaining managers are"
                                + " reachable, fewer than a quorum (" + size.quorumOfRest() + "); bring managers back first"));
                    }
                    cases++;
                }
            }
        }
        assertThat(cases).isEqualTo(2 * 3 + 3 * 4 + 5 * 6 + 7 * 8);
    }

    @Test
    void theOnlyManagerCannotBeDemotedWhateverIsReachable() {
        ClusterSnapshot view = managers(1);
        for (Set<String> reachable : List.of(Set.of("m0"), Set.<String>of())) {
            assertThat(QuorumRules.demote(view.nodes().get("m0"), view, List.of("m0"), reachable))
                    .isEqualTo(new QuorumRules.Decision(false,
                            "cannot demote host-m0: it is the last manager of the swarm; promote another node first"));
        }
    }

    @Test
    void theOnlyVoterCannotBeDemotedEvenWithAnotherManagerOnRecord() {
        // m1 was promoted but has not joined the Raft group yet: m0 is still the whole group.
        ClusterSnapshot view = managers(2);
        Set<String> all = Set.of("m0", "m1");
        assertThat(QuorumRules.demote(view.nodes().get("m0"), view, List.of("m0"), all).reason())
                .isEqualTo("cannot demote host-m0: it is the last manager of the swarm; promote another node first");
        assertThat(QuorumRules.demote(view.nodes().get("m1"), view, List.of("m0"), all).allowed()).isTrue();
        assertThat(QuorumRules.demote(view.nodes().get("m1"), view, List.of("m0"), Set.of()).reason())
                .isEqualTo("cannot demote host-m1: 0 of the 1 remaining managers are reachable, fewer than a quorum (1); "
                        + "bring managers back first");
    }

    @Test
    void demotingTheUnreachableManagerIsHowAThreeManagerSwarmRecovers() {
        ClusterSnapshot view = managers(3);
        List<String> voters = List.of("m0", "m1", "m2");
        Set<String> m2Lost = Set.of("m0", "m1");
        assertThat(QuorumRules.demote(view.nodes().get("m2"), view, voters, m2Lost).allowed()).isTrue();
        assertThat(QuorumRules.demote(view.nodes().get("m1"), view, voters, m2Lost).reason())
                .isEqualTo("cannot demote host-m1: 1 of the 2 remaining managers are reachable, fewer than a quorum (2); "
                        + "bring managers back first");
        assertThat(QuorumRules.demote(view.nodes().get("m0"), view, voters, m2Lost).allowed())
                .as("the leader, leaving m1 alone with unreachable m2").isFalse();
    }

    @Test
    void aManagerIsNeverRemovedAndAReadyWorkerOnlyByForce() {
        Node manager = Fixtures.node("m0");
        for (boolean force : new boolean[] {false, true}) {
            assertThat(QuorumRules.remove(manager, force)).isEqualTo(new QuorumRules.Decision(false,
                    "node host-m0 is a manager and a member of the Raft group; demote it to a worker before removing it"));
        }
        Node ready = Fixtures.worker("w1", Map.of());
        assertThat(QuorumRules.remove(ready, false)).isEqualTo(new QuorumRules.Decision(false,
                "node host-w1 is not down and cannot be removed; stop it, or use --force"));
        assertThat(QuorumRules.remove(ready, true).allowed()).isTrue();
        for (Node.Status s : List.of(Node.Status.DOWN, Node.Status.UNKNOWN, Node.Status.DISCONNECTED)) {
            assertThat(QuorumRules.remove(ready.withStatus(s, Fixtures.T0), false).allowed()).as(s.name()).isTrue();
        }
    }

    @Test
    void reachableMeansHeardFromWithinThreeSecondsPlusSelfAndLeader() {
        Map<String, Long> contact = Map.of("m1", 3_000L, "m2", 3_001L, "m3", 0L, "m4", 60_000L);
        assertThat(QuorumRules.reachable(contact, Optional.of("m0"), Optional.of("m4")))
                .containsExactlyInAnyOrder("m0", "m1", "m3", "m4");
        assertThat(QuorumRules.reachable(contact, Optional.empty(), Optional.empty()))
                .containsExactlyInAnyOrder("m1", "m3");
    }

    private static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("m" + i);
        }
        return ids;
    }

    private static ClusterSnapshot managers(int n) {
        return Fixtures.storeWith(ids(n).stream().map(Fixtures::node).toArray(Node[]::new)).view();
    }
}
