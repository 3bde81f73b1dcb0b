package io.trellis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Raft timeouts an agent cannot work with: one line naming the flags, exit 1, no data directory made. */
class AgentRaftTimeoutsRefusalTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "50ms|3s|error: invalid --raft-election-timeout 50ms / --raft-request-timeout 3s: the Raft election timeout must be 100ms to 60s",
        "2s|3s|error: invalid --raft-election-timeout 2s / --raft-request-timeout 3s: the Raft request timeout (3000 ms) must be at least 4 times the election timeout (2000 ms)",
        "400ms|11m|error: invalid --raft-election-timeout 400ms / --raft-request-timeout 11m: the Raft request timeout must be 1s to 10m",
        "fast|3s|error: invalid --raft-election-timeout \"fast\": expected a duration like 500ms, 5s or 2m",
    })
    void refusesTimeoutsItCannotWorkWith(String election, String request, String expected) {
        StringWriter err = new StringWriter();
        Path data = dir.resolve("data");

        int code = Cli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), new String[] {
                "agent", "--raft-election-timeout", election, "--raft-request-timeout", request,
                "--data-dir", data.toString(), "-H", "unix://" + dir.resolve("agent.sock")}, AgentCommand.class);

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(expected + System.lineSeparator());
        assertThat(Files.exists(data)).isFalse();
    }
}
