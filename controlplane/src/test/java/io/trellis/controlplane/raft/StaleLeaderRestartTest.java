package io.trellis.controlplane.raft;

import static io.trellis.controlplane.raft.AppendLog.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader that stops with entries only it has (appended, never replicated) comes back after the
 * others moved on: Raft must truncate that suffix on it, and it must then apply everything the
 * group committed, including what is forwarded through it. The deterministic form of ClusterTest's
 * kill -9 of the leader during writes: the followers stop first, so the leader's last entries
 * cannot commit.
 */
class StaleLeaderRestartTest {

    private static final int COMMITTED_BEFORE = 5;
    /** More than Ratis's default appender back-off lets through quickly (1 s after 10 errors, 5 s after 30). */
    private static final int STRANDED = 40;
    private static final int COMMITTED_AFTER = 30;
    /**
     * Longer than the other group tests: a leader steps down once no majority has answered for the
     * maximum, and the stranded entries must reach its log after both followers stopped.
     */
    private static final Duration ELECTION_MIN = Duration.ofMillis(1000);
    private static final Duration ELECTION_MAX = Duration.ofMillis(2000);

    @TempDir
    Path dir;

    private final TestPki pki = new TestPki("stale");
    private final List<RaftConfiguration> configs = new ArrayList<>();
    private final List<AppendLog> states = new ArrayList<>(Arrays.asList(null, null, null));
    /** Running replicas by position; null while stopped. */
    private final List<RaftReplica> replicas = new ArrayList<>(Arrays.asList(null, null, null));
    private int oldLeader = -1;

    @BeforeEach
    void configure() {
        List<RaftConfiguration.Peer> peers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            peers.add(new RaftConfiguration.Peer("n" + i, "127.0.0.1:" + RaftReplicaTest.freePort()));
        }
        for (RaftConfiguration.Peer peer : peers) {
            configs.add(RaftConfiguration.builder(peer.id(), peer.address(), dir.resolve(peer.id()))
                    .peers(peers)
                    .clusterId("stale")
                    .electionTimeout(ELECTION_MIN, ELECTION_MAX)
                    .tls(pki.managerTls(peer.id()))
                    .build());
        }
    }

    @AfterEach
    void closeAll() {
        closeAllBut(-1);
    }

    @Test
    void oldLeaderRestartedAloneTruncatesItsSuffixAndAppliesEverything() throws Exception {
        List<String> committed = strandEntriesOnTheLeader();
        start(oldLeader);
        awaitEverywhere(committed);
        // Forwarded: committed by the new leader, and the old one answers once it applied it too.
        replicas.get(oldLeader).propose(bytes("via-old")).get(10, TimeUnit.SECONDS);
        committed.add("via-old");
        awaitEverywhere(committed);
    }

    @Test
    void allRestartedTogetherAgreeOnEverythingCommitted() throws Exception {
        List<String> committed = strandEntriesOnTheLeader();
        closeAllBut(-1);
        for (int i = 0; i < 3; i++) {
            start(i);
        }
        awaitEverywhere(committed);
        replicas.get(oldLeader).propose(bytes("via-old")).get(10, TimeUnit.SECONDS);
        committed.add("via-old");
        awaitEverywhere(committed);
    }

    /**
     * Starts the group, commits a few entries, stops the followers, has the leader append entries
     * that cannot commit, stops it, restarts the followers and commits more through them. Returns
     * the committed entries; the old leader is left stopped.
     */
    private List<String> strandEntriesOnTheLeader() throws Exception {
        for (int i = 0; i < 3; i++) {
            start(i);
        }
        for (int i = 0; i < 3; i++) {
            replicas.get(i).awaitLeader(RaftReplicaTest.LEADER_TIMEOUT);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> replicas.stream().filter(RaftReplica::isLeader).count() == 1);
        oldLeader = replicas.indexOf(replicas.stream().filter(RaftReplica::isLeader).findFirst().orElseThrow());
        RaftReplica leader = replicas.get(oldLeader);
        List<String> committed = new ArrayList<>();
        for (int i = 1; i <= COMMITTED_BEFORE; i++) {
            leader.propose(bytes("before" + i)).get(5, TimeUnit.SECONDS);
            committed.add("before" + i);
        }
        awaitEverywhere(committed);

        List<RaftReplica> followers = replicas.stream().filter(r -> r != leader).toList();
        CompletableFuture<Void> closing = CompletableFuture.allOf(followers.stream()
                .map(r -> CompletableFuture.runAsync(r::close)).toArray(CompletableFuture[]::new));
        // Not alive means it refuses appends; from then on the leader has until ELECTION_MAX to take these.
        await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(1))
                .until(() -> followers.stream().noneMatch(RaftReplica::isRunning));
        long lastBefore = leader.lastLogIndex();
        for (int i = 1; i <= STRANDED; i++) {
            leader.propose(bytes("stranded" + i)); // never commits: no follower is left
        }
        await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(() -> leader.lastLogIndex() >= lastBefore + STRANDED);
        closing.join();
        closeAllBut(-1);

        for (int i = 0; i < 3; i++) {
            if (i != oldLeader) {
                start(i);
            }
        }
        RaftReplica survivor = replicas.get((oldLeader + 1) % 3);
        survivor.awaitLeader(RaftReplicaTest.LEADER_TIMEOUT);
        for (int i = 1; i <= COMMITTED_AFTER; i++) {
            proposeUntilAccepted(survivor, "after" + i);
            committed.add("after" + i);
        }
        return committed;
    }

    /** Retries while the two restarted peers settle who leads (NotLeader fails fast, adds nothing). */
    private static void proposeUntilAccepted(RaftReplica via, String entry) {
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> via.propose(bytes(entry)).get(5, TimeUnit.SECONDS) != null);
    }

    /** Starts the replica at {@code i} from its directory, with an empty state that the log refills. */
    private void start(int i) throws Exception {
        states.set(i, new AppendLog());
        replicas.set(i, RaftReplica.start(configs.get(i), states.get(i), new SimpleMeterRegistry()));
    }

    /** Closes the running replicas except {@code kept}, in parallel (each close may take a second). */
    private void closeAllBut(int kept) {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RaftReplica r = replicas.get(i);
            if (i != kept && r != null) {
                closing.add(CompletableFuture.runAsync(r::close));
                replicas.set(i, null);
            }
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).join();
    }

    private void awaitEverywhere(List<String> expected) {
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            for (int i = 0; i < 3; i++) {
                if (replicas.get(i) != null) {
                    assertThat(states.get(i).entries()).as("entries on %s", configs.get(i).self().id())
                            .containsExactlyElementsOf(expected);
                }
            }
        });
    }
}
