package io.trellis.controlplane.raft;

import static io.trellis.controlplane.raft.AppendLog.bytes;
import static io.trellis.controlplane.raft.AppendLog.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trellis.controlplane.store.Proposer;
import org.apache.ratis.server.storage.RaftStorage.StartupOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A single-peer group on localhost: proposals, restart from disk, snapshots, pipelining, meters. */
class RaftReplicaTest {

    static final Duration ELECTION_MIN = Duration.ofMillis(150);
    static final Duration ELECTION_MAX = Duration.ofMillis(300);
    static final Duration LEADER_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final List<RaftReplica> started = new ArrayList<>();
    private int port;

    @AfterEach
    void closeAll() {
        started.forEach(RaftReplica::close);
    }

    @Test
    void proposalsCompleteWithTheirApplyRepliesInOrder() throws Exception {
        AppendLog state = new AppendLog();
        RaftReplica replica = startLeader(state);

        List<String> replies = new ArrayList<>();
        for (String entry : List.of("a", "b", "c")) {
            replies.add(text(replica.propose(bytes(entry)).get(5, TimeUnit.SECONDS)));
        }

        assertThat(replies).containsExactly("1", "2", "3");
        assertThat(state.entries()).containsExactly("a", "b", "c");
        assertThat(replica.isLeader()).isTrue();
        assertThat(replica.leaderId()).contains("n1");
        assertThat(replica.term()).isPositive();
        assertThat(replica.commitIndex()).isGreaterThanOrEqualTo(state.appliedIndex());
        assertThat(replica.appliedIndex()).isGreaterThanOrEqualTo(state.appliedIndex());
    }

    @Test
    void exposesMetersUnderTheTrellisRaftPrefix() throws Exception {
        RaftReplica replica = startLeader(new AppendLog());
        replica.propose(bytes("a")).get(5, TimeUnit.SECONDS);

        assertThat(registry.get("trellis.raft.leader").gauge().value()).isEqualTo(1);
        assertThat(registry.get("trellis.raft.role").tag("role", "leader").gauge().value()).isEqualTo(1);
        assertThat(registry.get("trellis.raft.role").tag("role", "follower").gauge().value()).isZero();
        assertThat(registry.get("trellis.raft.term").gauge().value()).isEqualTo(replica.term());
        assertThat(registry.get("trellis.raft.commit.index").gauge().value()).isPositive();
        assertThat(registry.get("trellis.raft.applied.index").gauge().value()).isPositive();
        assertThat(registry.get("trellis.raft.proposals").tag("result", "ok").counter().count()).isEqualTo(1);
        assertThat(registry.get("trellis.raft.apply").timer().count()).isEqualTo(1);

        replica.close();
        assertThat(registry.find("trellis.raft.term").gauge()).isNull();
    }

    @Test
    void restartFromTheSameDirectoryReplaysTheLog() throws Exception {
        RaftReplica first = startLeader(new AppendLog());
        for (int i = 1; i <= 5; i++) {
            first.propose(bytes("e" + i)).get(5, TimeUnit.SECONDS);
        }
        long closeStart = System.nanoTime();
        first.close();
        assertThat(Duration.ofNanos(System.nanoTime() - closeStart)).isLessThan(Duration.ofSeconds(2));
        assertThat(RaftReplica.startupOption(config().build())).isEqualTo(StartupOption.RECOVER);

        AppendLog restored = new AppendLog();
        RaftReplica second = startLeader(restored);

        await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(() -> restored.entries().size() == 5);
        assertThat(restored.entries()).containsExactly("e1", "e2", "e3", "e4", "e5");
        assertThat(restored.snapshotsRead()).isZero();
        assertThat(text(second.propose(bytes("e6")).get(5, TimeUnit.SECONDS))).isEqualTo("6");
    }

    @Test
    void restartRestoresTheSnapshotThenReplaysTheRestOfTheLog() throws Exception {
        RaftReplica first = startLeader(new AppendLog());
        for (int i = 1; i <= 3; i++) {
            first.propose(bytes("s" + i)).get(5, TimeUnit.SECONDS);
        }
        long snapshotIndex = first.takeSnapshot();
        assertThat(snapshotIndex).isGreaterThanOrEqualTo(3);
        for (int i = 4; i <= 5; i++) {
            first.propose(bytes("s" + i)).get(5, TimeUnit.SECONDS);
        }
        first.close();

        AppendLog restored = new AppendLog();
        startLeader(restored);

        await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(() -> restored.entries().size() == 5);
        assertThat(restored.entries()).containsExactly("s1", "s2", "s3", "s4", "s5");
        assertThat(restored.snapshotsRead()).isEqualTo(1);
        assertThat(restored.applies()).isEqualTo(2);
    }

    @Test
    void pipelinedProposalsAllCompleteInOrder() throws Exception {
        AppendLog state = new AppendLog();
        RaftReplica replica = startLeader(state);
        int count = 200;

        long start = System.nanoTime();
        List<CompletableFuture<byte[]>> futures = IntStream.rangeClosed(1, count)
                .mapToObj(i -> replica.propose(bytes("p" + i)))
                .toList();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("RaftReplicaTest: %d pipelined proposals in %.3f s = %.0f proposals/s%n",
                count, seconds, count / seconds);

        List<String> replies = futures.stream().map(f -> text(f.join())).toList();
        assertThat(replies).containsExactlyElementsOf(
                IntStream.rangeClosed(1, count).mapToObj(Integer::toString).toList());
        assertThat(state.entries()).containsExactlyElementsOf(
                IntStream.rangeClosed(1, count).mapToObj(i -> "p" + i).toList());
    }

    @Test
    void awaitLeaderGivesUpWithoutAMajority() throws Exception {
        RaftConfiguration lonely = config()
                .peers(List.of(new RaftConfiguration.Peer("n1", "127.0.0.1:" + port),
                        new RaftConfiguration.Peer("n2", "127.0.0.1:" + freePort()),
                        new RaftConfiguration.Peer("n3", "127.0.0.1:" + freePort())))
                .build();
        RaftReplica replica = RaftReplica.start(lonely, new AppendLog(), registry);
        started.add(replica);

        assertThatThrownBy(() -> replica.awaitLeader(Duration.ofMillis(500)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("No Raft leader elected within PT0.5S");
        assertThatThrownBy(() -> replica.propose(bytes("a")).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(Proposer.NotLeaderException.class);
    }

    @Test
    void freshDirectoryIsFormatted() {
        assertThat(RaftReplica.startupOption(config().build())).isEqualTo(StartupOption.FORMAT);
    }

    /** Ratis on its own calls System.exit when its gRPC server cannot bind: this JVM would not get past start. */
    @Test
    void aTakenPortFailsTheStartInsteadOfEndingTheProcess() throws Exception {
        RaftConfiguration cfg = config().build();
        try (ServerSocket taken = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> RaftReplica.start(cfg, new AppendLog(), registry))
                    .hasStackTraceContaining("Failed to start Grpc server");
        }
        assertThat(registry.find("trellis.raft.term").gauge()).isNull();
        RaftReplica replica = startLeader(new AppendLog());
        assertThat(text(replica.propose(bytes("after")).get(5, TimeUnit.SECONDS))).isEqualTo("1");
    }

    @Test
    void timingsAreReadBackFromTheRunningServer() throws Exception {
        RaftReplica replica = RaftReplica.start(config().requestTimeout(Duration.ofSeconds(7)).build(), new AppendLog(),
                registry);
        started.add(replica);

        assertThat(replica.timings()).isEqualTo(new RaftTimings(ELECTION_MIN, ELECTION_MAX, Duration.ofMillis(75),
                Duration.ofSeconds(7)));
    }

    private RaftReplica startLeader(AppendLog state) throws IOException {
        RaftReplica replica = RaftReplica.start(config().build(), state, registry);
        started.add(replica);
        replica.awaitLeader(LEADER_TIMEOUT);
        return replica;
    }

    private RaftConfiguration.Builder config() {
        if (port == 0) {
            port = freePort();
        }
        return RaftConfiguration.builder("n1", "127.0.0.1:" + port, dir)
                .clusterId("test-cluster")
                .electionTimeout(ELECTION_MIN, ELECTION_MAX);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free local port", e);
        }
    }
}
