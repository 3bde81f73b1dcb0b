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
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/** Agents as these tests run them: from the test class path, each on a loopback address of its own. */
final class TestAgents {
    static final Duration START = Duration.ofSeconds(60);
    /**
     * C1 alone: a test's agent lives seconds, and on two cores C2 compiling code that hardly runs again slows its
     * start and its swarm init (these tests check behaviour, not how fast the packet path is).
     */
    private static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(1);

    private TestAgents() {
    }

    static AgentProcess create(Path dataDir, String hostname, List<String> extraArgs) throws IOException {
        // Tasks such as `sleep 600` run as their namespace's init and ignore SIGTERM: every stop of one (rm, update,
        // drain, the agent's own) waits this grace out.
        List<String> args = new ArrayList<>(List.of("--stop-grace-period", "1"));
        args.addAll(extraArgs);
        return new AgentProcess(hostname, dataDir, AgentProcess.loopbackAddress("127.77", NEXT_ADDRESS.getAndIncrement()),
                System.getProperty("java.class.path"), JVM_FLAGS, args);
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

    /** Launches them all before waiting for any: their JVMs start side by side. Returns once each answers. */
    static void startAll(List<AgentProcess> agents) throws IOException {
        for (AgentProcess a : agents) {
            a.launch();
        }
        for (AgentProcess a : agents) {
            a.awaitAnswer(START);
        }
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

    /**
     * SIGTERM to each of {@code agents} still running, all at once (each shutdown takes a second or more); each must
     * stop within {@code timeout} of it.
     */
    static void terminateAll(Collection<AgentProcess> agents, Duration timeout) throws InterruptedException {
        List<AgentProcess> running = agents.stream().filter(AgentProcess::isAlive).toList();
        running.forEach(AgentProcess::signalStop);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> late = new ArrayList<>();
        for (AgentProcess a : running) {
            if (!a.awaitStop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                late.add(a.hostname);
            }
        }
        assertThat(late).as("agents still running %s after SIGTERM", timeout).isEmpty();
    }

    /** {@code trellis exec ARGS} against {@code agent}, as its own process (its raw output captured). */
    static AgentCli.Result exec(AgentProcess agent, String stdin, String... args) throws IOException,
            InterruptedException {
        return AgentCli.execProcess(agent.host, stdin, args);
    }
}
