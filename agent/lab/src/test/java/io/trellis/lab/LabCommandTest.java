package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Bad lab input: one line on stderr, exit 1, and checked before any namespace or agent is touched. */
class LabCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Cli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args, new LabCommand());
    }

    @Test
    void moreManagersThanNodesIsRefused() {
        assertThat(run("lab", "up", "--nodes", "3", "--managers", "4")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: invalid --managers 4: must be between 1 and --nodes (3)\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void zeroNodesIsRefused() {
        assertThat(run("lab", "up", "--nodes", "0")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: invalid --nodes 0: must be between 1 and 9\n");
    }

    @Test
    void aTimeoutThatIsNoDurationOrOutOfRangeIsRefused() {
        assertThat(run("lab", "up", "--timeout", "soon")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(
                "error: invalid --timeout \"soon\": expected a duration like 500ms, 5s or 2m\n");
        err.getBuffer().setLength(0);
        assertThat(run("lab", "up", "--timeout", "500ms")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: invalid --timeout 500ms: must be between 10s and 30m\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aNodeVerbNeedsANode() {
        assertThat(run("lab", "partition")).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: Missing required parameter: 'NODE'");
    }

    @Test
    void anUnknownNodeIsOneLineAndExitOne() {
        // node42 never exists (at most 9 nodes), so this is safe beside a running lab.
        for (String verb : new String[] {"stop", "start", "partition", "heal"}) {
            err.getBuffer().setLength(0);
            assertThat(run("lab", verb, "node42")).isEqualTo(1);
            assertThat(err.toString().lines()).hasSize(1).first().asString().startsWith("error: ");
        }
    }
}
