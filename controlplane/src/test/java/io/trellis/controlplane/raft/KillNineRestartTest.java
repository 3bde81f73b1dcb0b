package io.trellis.controlplane.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A peer killed with SIGKILL, no clean close, recovers every acknowledged entry from its log. */
class KillNineRestartTest {

    private static final int ENTRIES = 20;

    @TempDir
    Path dir;

    static RaftConfiguration config(Path dir, int port) {
        return RaftConfiguration.builder("n1", "127.0.0.1:" + port, dir)
                .clusterId("kill-nine")
                .electionTimeout(RaftReplicaTest.ELECTION_MIN, RaftReplicaTest.ELECTION_MAX)
                .build();
    }

    @Test
    void restartAfterKillNineReplaysTheAcknowledgedEntries() throws Exception {
        int port = RaftReplicaTest.freePort();
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ProposingPeer.class.getName(),
                dir.toString(), Integer.toString(port), Integer.toString(ENTRIES))
                .redirectErrorStream(true)
                .start();
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null && !line.equals(ProposingPeer.READY); ) {
                output.add(line);
            }
            assertThat(child.isAlive()).as("child peer output: %s", output).isTrue();
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close, no final snapshot
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }

        AppendLog state = new AppendLog();
        try (RaftReplica replica = RaftReplica.start(config(dir, port), state, new SimpleMeterRegistry())) {
            replica.awaitLeader(RaftReplicaTest.LEADER_TIMEOUT);
            await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                    .until(() -> state.entries().size() >= ENTRIES);
            assertThat(state.entries()).containsExactlyElementsOf(
                    IntStream.rangeClosed(1, ENTRIES).mapToObj(i -> "k" + i).toList());
            assertThat(state.snapshotsRead()).isZero();
        }
    }
}
