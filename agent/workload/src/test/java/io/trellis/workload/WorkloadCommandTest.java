package io.trellis.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WorkloadCommandTest {
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new WorkloadCommand()).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void portOutOfRangeIsAUsageError() {
        assertThat(run("http", "--port", "0")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("Invalid value for option '--port': '0' is not a port; use 1-65535");

        assertThat(run("echo", "--port", "70000")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run("echo", "--port", "http")).isEqualTo(CommandLine.ExitCode.USAGE);
    }

    @Test
    void portIsRequired() {
        assertThat(run("echo", "--udp")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("Missing required option: '--port=<port>'");
    }

    @Test
    void workloadNeedsASubcommand() {
        assertThat(run()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("Missing workload: use http, echo, fetch, vote, queue, worker, store or result");
    }
}
