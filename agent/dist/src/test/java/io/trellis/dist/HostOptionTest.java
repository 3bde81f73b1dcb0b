package io.trellis.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code -H/--host} belongs to the commands that talk to an agent and to {@code agent}; no other command takes it. */
class HostOptionTest {
    private static final String NO_AGENT = "unix:///nonexistent-trellis-test/agent.sock";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void aClientCommandTalksToTheAgentItNames() {
        assertThat(run("node", "ls", "-H", NO_AGENT)).isEqualTo(2);
        assertThat(err.toString()).contains("cannot reach the Trellis agent at " + NO_AGENT);
    }

    @Test
    void everyClientGroupTakesIt() {
        for (String[] command : new String[][] {{"swarm", "join-token", "worker"}, {"node", "ps"}, {"service", "ls"}}) {
            err.getBuffer().setLength(0);
            assertThat(run(append(command, "--host", NO_AGENT))).as(String.join(" ", command)).isEqualTo(2);
            assertThat(err.toString()).contains(NO_AGENT);
        }
    }

    @Test
    void theRootCommandNoLongerTakesIt() {
        assertThat(run("-H", NO_AGENT, "node", "ls")).isEqualTo(1);
        assertThat(err.toString().lines()).hasSize(1).first().asString().startsWith("error: Unknown option");
    }

    @Test
    void aCommandThatNeverContactsAnAgentRefusesIt() {
        // lab status only reads the lab's state file: harmless even if the option were accepted.
        assertThat(run("lab", "status", "--host", NO_AGENT)).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: Unknown options: '--host'");
    }

    @Test
    void commandsThatNeverContactAnAgentDoNotOfferIt() {
        for (String[] command : new String[][] {{}, {"lab"}, {"lab", "up"}, {"demo"}, {"workload", "echo"},
                {"vxlan-tunnel"}}) {
            out.getBuffer().setLength(0);
            assertThat(run(append(command, "--help"))).isZero();
            assertThat(out.toString()).as(String.join(" ", command)).doesNotContain("--host", "-H,");
        }
    }

    private static String[] append(String[] command, String... more) {
        String[] argv = java.util.Arrays.copyOf(command, command.length + more.length);
        System.arraycopy(more, 0, argv, command.length, more.length);
        return argv;
    }

    @Test
    void helpSaysWhatTheAddressIsFor() {
        assertThat(run("node", "ls", "--help")).isZero();
        assertThat(out.toString()).contains("-H, --host=URL").contains("The agent to talk to");
        out.getBuffer().setLength(0);
        assertThat(run("agent", "--help")).isZero();
        assertThat(out.toString()).contains("-H, --host=URL").contains("Where the agent listens");
    }
}
