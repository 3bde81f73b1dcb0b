package io.trellis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trellis agent --dataplane kernel} on a host without IPVS support: one line, exit 1, nothing started. */
class AgentDataPathRefusalTest {
    @TempDir
    Path dir;

    @Test
    void kernelDataPathWithoutIpvsRefusesToStart() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path data = dir.resolve("data");

        int code = Cli.execute(new PrintWriter(out, true), new PrintWriter(err, true), new String[] {"agent",
                "--dataplane", "kernel", "--data-dir", data.toString(), "-H", "unix://" + dir.resolve("agent.sock")},
                AgentCommand.class);

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(
                "error: --dataplane kernel needs IPVS for VIPs (--lb ipvs): IPVS support is not built yet"
                        + System.lineSeparator());
        assertThat(Files.exists(data)).isFalse();
    }

    @Test
    void anUnknownDataPathIsRefusedTheSameWay() {
        StringWriter err = new StringWriter();
        int code = Cli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), new String[] {
                "agent", "--dataplane", "ebpf", "--data-dir", dir.resolve("data").toString()}, AgentCommand.class);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: invalid --dataplane ebpf: must be kernel, userspace or auto");
    }
}
