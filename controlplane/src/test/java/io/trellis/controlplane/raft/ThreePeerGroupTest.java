package io.trellis.controlplane.raft;

import static io.trellis.controlplane.raft.AppendLog.bytes;
import static io.trellis.controlplane.raft.AppendLog.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trellis.controlplane.store.Proposer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three peers on localhost over mutual TLS with short election timeouts: election, replication,
 * forwarding from followers, fail-over, and membership changes.
 */
class ThreePeerGroupTest {

    @TempDir
    Path dir;

    private final TestPki pki = new TestPki("three");

    private final List<RaftConfiguration> configs = new ArrayList<>();
    private final List<AppendLog> states = new ArrayList<>();
    private final List<RaftReplica> replicas = new ArrayList<>();

    @BeforeEach
    void startGroup() throws Exception {
        List<RaftConfiguration.Peer> peers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            peers.add(new RaftConfiguration.Peer("n" + i, "127.0.0.1:" + RaftReplicaTest.freePort()));
        }
        for (RaftConfiguration.Peer peer : peers) {
            RaftConfiguration config = RaftConfiguration.builder(peer.id(), peer.address(), dir.resolve(peer.id()))
                    .peers(peers)
                    .clusterId("three")
                    .electionTimeout(RaftReplicaTest.ELECTION_MIN, RaftReplicaTest.ELECTION_MAX)
                    .tls(pki.managerTls(peer.id()))
                    .build();
            AppendLog state = new AppendLog();
            configs.add(config);
            states.add(state);
            replicas.add(RaftReplica.start(config, state, new SimpleMeterRegistry()));
        }
        for (RaftReplica replica : replicas) {
            replica.awaitLeader(RaftReplicaTest.LEADER_TIMEOUT);
        }
    }

    @AfterEach
    void closeGroup() {
        // In parallel: each close waits up to a second for Ratis's log worker.
        CompletableFuture.allOf(replicas.stream()
                .map(r -> CompletableFuture.runAsync(r::close))
                .toArray(CompletableFuture[]::new)).join();
    }

    @Test
    void electsReplicatesAndFailsOverWhenTheLeaderCloses() throws Exception {
        int leader = leaderPosition();
        RaftReplica first = replicas.get(leader);
        for (String entry : List.of("x1", "x2", "x3")) {
            first.propose(bytes(entry)).get(5, TimeUnit.SECONDS);
        }
        awaitEverywhere(List.of("x1", "x2", "x3"), List.of(0, 1, 2));

        // A follower forwards to the leader and answers once the entry is applied on itself too.
        int followerAt = (leader + 1) % 3;
        assertThat(text(replicas.get(followerAt).propose(bytes("x3b")).get(5, TimeUnit.SECONDS))).isEqualTo("4");
        assertThat(states.get(followerAt).entries()).contains("x3b");
        awaitEverywhere(List.of("x1", "x2", "x3", "x3b"), List.of(0, 1, 2));

        long oldTerm = first.term();
        first.close();
        long closedAt = System.nanoTime();

        List<Integer> remaining = List.of((leader + 1) % 3, (leader + 2) % 3);
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(() -> remaining.stream().anyMatch(i -> replicas.get(i).isLeader()));
        RaftReplica second = remaining.stream().map(replicas::get).filter(RaftReplica::isLeader).findFirst()
                .orElseThrow();
        second.awaitLeader(RaftReplicaTest.LEADER_TIMEOUT);
        assertThat(text(second.propose(bytes("x4")).get(5, TimeUnit.SECONDS))).isEqualTo("5");
        System.out.printf("ThreePeerGroupTest: new leader %s accepted a write %d ms after the old one closed%n",
                second.leaderId().orElseThrow(), (System.nanoTime() - closedAt) / 1_000_000);

        assertThat(second.term()).isGreaterThan(oldTerm);
        awaitEverywhere(List.of("x1", "x2", "x3", "x3b", "x4"), remaining);
    }

    @Test
    void addsAJoiningPeerAndRemovesIt() throws Exception {
        RaftReplica leader = replicas.get(leaderPosition());
        leader.propose(bytes("before")).get(5, TimeUnit.SECONDS);

        RaftConfiguration.Peer fourth = new RaftConfiguration.Peer("n4", "127.0.0.1:" + RaftReplicaTest.freePort());
        RaftConfiguration config = RaftConfiguration.builder(fourth.id(), fourth.address(), dir.resolve("n4"))
                .clusterId("three")
                .electionTimeout(RaftReplicaTest.ELECTION_MIN, RaftReplicaTest.ELECTION_MAX)
                .tls(pki.managerTls("n4"))
                .joining(true)
                .build();
        AppendLog state = new AppendLog();
        configs.add(config);
        states.add(state);
        RaftReplica joined = RaftReplica.start(config, state, new SimpleMeterRegistry());
        replicas.add(joined);

        // Any member may ask: the change goes through the leader.
        replicas.get((leaderPosition() + 1) % 3).addPeer(fourth);
        assertThat(leader.peers()).extracting(RaftConfiguration.Peer::id).containsExactly("n1", "n2", "n3", "n4");
        leader.propose(bytes("after")).get(5, TimeUnit.SECONDS);
        awaitEverywhere(List.of("before", "after"), List.of(0, 1, 2, 3));
        assertThat(joined.leaderId()).contains(leader.leaderId().orElseThrow());

        leader.removePeer("n4");
        assertThat(leader.peers()).extracting(RaftConfiguration.Peer::id).containsExactly("n1", "n2", "n3");
        leader.propose(bytes("later")).get(5, TimeUnit.SECONDS);
        awaitEverywhere(List.of("before", "after", "later"), List.of(0, 1, 2));
        assertThat(state.entries()).doesNotContain("later");
    }

    /**
     * A demotion of the leader through another member: Ratis shuts the old leader's replica down
     * once the group without it commits, but leaves its role at LEADER. A dispatcher asking it would
     * go on answering heartbeats from a store that no longer changes.
     */
    @Test
    void aLeaderRemovedFromTheGroupNoLongerClaimsToLead() throws Exception {
        int leader = leaderPosition();
        RaftReplica removed = replicas.get(leader);
        RaftReplica other = replicas.get((leader + 1) % 3);
        other.removePeer(configs.get(leader).self().id());

        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            assertThat(removed.isLeader()).isFalse();
            assertThat(removed.leaderId()).isEmpty();
        });
        assertThatThrownBy(() -> removed.propose(bytes("stale")).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(Proposer.NotLeaderException.class);
        // The two left elect one of themselves (the old leader's name lingers until they time out).
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10)).until(() ->
                other.leaderId().filter(id -> !id.equals(configs.get(leader).self().id())).isPresent());
        other.awaitLeader(RaftReplicaTest.LEADER_TIMEOUT);
        // A new leader may still be "not ready to lead" (committing its first entry): writes are
        // refused until then, as a client would see, so the write is retried.
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                .ignoreException(java.util.concurrent.ExecutionException.class)
                .until(() -> other.propose(bytes("after")).get(5, TimeUnit.SECONDS) != null);
    }

    /**
     * A follower whose apply is stuck fails a write forwarded through it once the request timeout
     * passes, and says how far it got, so such a failure tells a log that stopped growing from an
     * apply that stopped or a replica Ratis shut down.
     */
    @Test
    void aForwardedWriteNotAppliedInTimeSaysWhereTheReplicaStands() throws Exception {
        int followerAt = (leaderPosition() + 1) % 3;
        states.get(followerAt).holdApplies();
        try {
            assertThatThrownBy(() -> replicas.get(followerAt).propose(bytes("held")).get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(IOException.class)
                    .hasMessageContaining("was committed but this manager has not applied it within PT3S")
                    .hasMessageMatching("(?s).*\\(commit index \\d+, log ends at \\d+, applied \\d+, leader n\\d "
                            + "in term \\d+, Ratis RUNNING\\).*");
        } finally {
            states.get(followerAt).releaseApplies();
        }
        awaitEverywhere(List.of("held"), List.of(0, 1, 2));
    }

    /**
     * Ratis's ordered client stays failed after one NotLeader answer; {@link ProposalClient} must
     * replace it, or a peer that was once asked as a follower could never propose as leader.
     */
    @Test
    void proposalClientWorksAgainAfterANotLeaderAnswer() throws Exception {
        int leader = leaderPosition();
        List<Integer> followers = List.of((leader + 1) % 3, (leader + 2) % 3);
        List<ProposalClient> clients = followers.stream().map(i -> ProposalClient.forSelf(configs.get(i))).toList();
        try {
            for (ProposalClient client : clients) {
                assertThatThrownBy(() -> client.propose(bytes("nope")).get(5, TimeUnit.SECONDS))
                        .cause().isInstanceOf(Proposer.NotLeaderException.class)
                        .hasMessageContaining(configs.get(leader).self().id());
            }

            replicas.get(leader).close();
            await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                    .until(() -> followers.stream().anyMatch(i -> replicas.get(i).isLeader()));
            int next = replicas.get(followers.get(0)).isLeader() ? 0 : 1;
            replicas.get(followers.get(next)).awaitLeader(RaftReplicaTest.LEADER_TIMEOUT);

            byte[] reply = clients.get(next).propose(bytes("after")).get(5, TimeUnit.SECONDS).reply();
            assertThat(text(reply)).isEqualTo("1");
        } finally {
            clients.forEach(ProposalClient::close);
        }
    }

    private int leaderPosition() {
        List<Integer> leaders = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            if (replicas.get(i).isLeader()) {
                leaders.add(i);
            }
        }
        assertThat(leaders).hasSize(1);
        return leaders.get(0);
    }

    private void awaitEverywhere(List<String> expected, List<Integer> positions) {
        await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> positions.forEach(i -> assertThat(states.get(i).entries())
                        .as("entries on %s", configs.get(i).self().id())
                        .containsExactlyElementsOf(expected)));
    }
}
