package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.dist.Main;
import io.trellis.ipvs.Privileges;
import io.trellis.testing.agent.AgentCli;
import io.trellis.testing.agent.AgentProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /** What {@code trellis exec} printed and exited with. */
    record ExecResult(int status, String stdout, String stderr) {
    }

    /**
     * {@code trellis exec ARGS} against {@code agent}, as its own process: exec writes the command's raw
     * bytes to the process's stdout and stderr, which an in-JVM CLI cannot capture.
     */
    static ExecResult exec(AgentProcess agent, String stdin, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.trellis.dist.Main", "exec", "--host", agent.host));
        argv.addAll(List.of(args));
        Path out = Files.createTempFile("trellis-exec", ".out");
        Path err = Files.createTempFile("trellis-exec", ".err");
        try {
            Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("trellis exec ended").isTrue();
            return new ExecResult(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
