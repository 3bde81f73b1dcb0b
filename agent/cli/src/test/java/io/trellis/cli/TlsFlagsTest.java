package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A tcp:// agent is reached with mutual TLS or not at all; the flags work after any subcommand. */
class TlsFlagsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Cli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void aTcpHostWithoutTlsFilesIsAUserErrorNotAPlainConnection() {
        int code = run("service", "ls", "-H", "tcp://127.0.0.1:1", "--tlscacert", "/nonexistent/ca.pem",
                "--tlscert", "/nonexistent/cert.pem", "--tlskey", "/nonexistent/key.pem");

        assertThat(code).isEqualTo(CliException.USER_ERROR);
        assertThat(err.toString()).isEqualTo("error: the admin API over TCP needs mutual TLS (trellis swarm ca "
                + "--client-cert on a manager makes the files): /nonexistent/ca.pem is missing or unreadable"
                + System.lineSeparator());
    }

    @Test
    void swarmCaNeedsExactlyOneKind() {
        assertThat(run("swarm", "ca")).isEqualTo(CliException.USER_ERROR);
        assertThat(err.toString()).contains("--client-cert=OUT_DIR").contains("--server-cert=OUT_DIR");
    }
}
