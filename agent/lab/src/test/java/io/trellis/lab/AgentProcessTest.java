package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.process.ProcessIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentProcessTest {
    @TempDir
    Path dir;

    @Test
    void stopEndsTheProcessWithSigterm() throws Exception {
        AgentProcess p = AgentProcess.launch(List.of("sleep", "30"), dir.resolve("log"));
        assertThat(p.alive()).isTrue();

        assertThat(p.stop(Duration.ofSeconds(5))).as("needed SIGKILL").isFalse();

        assertThat(p.alive()).isFalse();
        assertThat(p.awaitExit(Duration.ofMillis(10))).isTrue();
    }

    @Test
    void aProcessThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        AgentProcess p = AgentProcess.launch(List.of("sh", "-c", "trap '' TERM; echo ready; sleep 30 & wait"),
                dir.resolve("log"));
        // The trap is set once it says ready; a SIGTERM before that would end it at once.
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(dir.resolve("log")).contains("ready"));

        assertThat(p.stop(Duration.ofMillis(300))).as("needed SIGKILL").isTrue();
        assertThat(p.alive()).isFalse();
    }

    @Test
    void aReusedPidIsNotTakenForTheAgent() throws Exception {
        AgentProcess p = AgentProcess.launch(List.of("sleep", "30"), dir.resolve("log"));
        try {
            // Same PID, another start time: what a recycled PID looks like later.
            AgentProcess stranger = new AgentProcess(new ProcessIdentity(p.pid(), p.identity().startedAtMillis() - 60_000));
            assertThat(stranger.alive()).isFalse();
            stranger.signal(true);
            assertThat(p.alive()).isTrue();
        } finally {
            p.signal(true);
        }
    }
}
