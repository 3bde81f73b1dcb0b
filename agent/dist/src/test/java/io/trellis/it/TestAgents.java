package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.dist.Main;
import io.trellis.ipvs.Privileges;
import io.trellis.testing.agent.AgentCli;
import io.trellis.testing.agent.AgentProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/** Agents as these tests run them: from the test class path, each on a loopback address of its own. */
final class TestAgents {
    static final Duration START = Duration.ofSeconds(60);
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(1);

    private TestAgents() {
    }

    static AgentProcess create(Path dataDir, String hostname, List<String> extraArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("--stop-grace-period", "2"));
        args.addAll(extraArgs);
        return new AgentProcess(hostname, dataDir, AgentProcess.loopbackAddress("127.77", NEXT_ADDRESS.getAndIncrement()),
                System.getProperty("java.class.path"), List.of("-Xmx256m", "-XX:+UseSerialGC"), args);
    }

    /** Skips the test with one line unless this process may create the network namespaces tasks run in. */
    static void assumeTaskNamespaces() {
        Assumptions.assumeTrue(Privileges.missingForNetns().isEmpty(),
                () -> "needs root for task namespaces: " + Privileges.missingForNetns().orElse(""));
    }

    /** One agent, started and answering. */
    static AgentProcess start(Path dataDir) throws IOException {
        return create(dataDir, "itest", List.of()).start(START);
    }

    /** The CLI, in this JVM, against {@code agent}. */
    static AgentCli cli(AgentProcess agent) {
        return new AgentCli(Main::execute, agent.host);
    }

    /** SIGTERM; the agent must stop within {@code timeout}. Returns its exit code. */
    static int terminate(AgentProcess agent, Duration timeout) throws InterruptedException {
        assertThat(agent.stop(timeout)).as("%s stopped within %s of SIGTERM", agent.hostname, timeout).isTrue();
        return agent.exitValue();
    }

    /** {@code trellis exec ARGS} against {@code agent}, as its own process (its raw output captured). */
    static AgentCli.Result exec(AgentProcess agent, String stdin, String... args) throws IOException,
            InterruptedException {
        return AgentCli.execProcess(agent.host, stdin, args);
    }
}
