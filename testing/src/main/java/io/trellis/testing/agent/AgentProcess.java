package io.trellis.testing.agent;

import static org.awaitility.Awaitility.await;

import io.trellis.api.InfoView;
import io.trellis.api.Json;
import io.trellis.api.client.AdminClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real {@code trellis agent} in a JVM of its own on a loopback address of its own (127.0.0.0/8 is
 * all local on Linux, so each agent keeps the fixed cluster port 2377 without a namespace). Its
 * output goes to {@code agent.log} and its PID to {@code agent.pid} in its data directory, so a
 * cleanup can find it if the JVM that started it dies first.
 */
public final class AgentProcess {
    private static final Duration POLL = Duration.ofMillis(50);

    public final String hostname;
    public final Path dataDir;
    public final String address;
    /** The admin API, {@code unix://<data dir>/agent.sock}. */
    public final String host;
    private final int raftPort;
    private final List<String> jvm;
    private final List<String> agentArgs;
    private Process process;

    /**
     * @param classPath where {@code io.trellis.dist.Main} is (the test class path, or trellis.jar)
     * @param jvmFlags  flags for the agent's JVM
     * @param agentArgs more {@code trellis agent} flags ({@code --heartbeat-period 500ms}, ...)
     */
    public AgentProcess(String hostname, Path dataDir, String address, String classPath, List<String> jvmFlags,
                        List<String> agentArgs) throws IOException {
        this.hostname = hostname;
        this.dataDir = dataDir;
        this.address = address;
        this.host = "unix://" + dataDir.resolve("agent.sock");
        List<String> j = new ArrayList<>();
        j.add(ProcessHandle.current().info().command().orElse("java"));
        j.addAll(jvmFlags);
        j.addAll(List.of("-cp", classPath, "io.trellis.dist.Main"));
        this.jvm = List.copyOf(j);
        this.agentArgs = List.copyOf(agentArgs);
        try (ServerSocket s = new ServerSocket(0)) {
            this.raftPort = s.getLocalPort();
        }
    }

    /** The port its Raft replica listens on (passed as {@code --raft-port}). */
    public int raftPort() {
        return raftPort;
    }

    /** {@code <prefix>.<this JVM's PID mod 250>.<n>}: agents of two runs at once never share an address. */
    public static String loopbackAddress(String prefix, int n) {
        return prefix + "." + (ProcessHandle.current().pid() % 250) + "." + n;
    }

    /** Where its cluster API listens once it is a manager (the default port). */
    public String clusterAddress() {
        return address + ":2377";
    }

    /** Starts (or restarts, with the same data directory and flags) and waits until it answers. */
    public AgentProcess start(Duration timeout) throws IOException {
        launch();
        awaitAnswer(timeout);
        return this;
    }

    /** Starts the process without waiting: several managers restarting together need each other. */
    public AgentProcess launch() throws IOException {
        Files.createDirectories(dataDir);
        List<String> argv = new ArrayList<>(jvm);
        argv.addAll(List.of("agent", "--data-dir", dataDir.toString(), "--host", host, "--hostname", hostname,
                "--advertise-addr", address, "--raft-port", String.valueOf(raftPort)));
        argv.addAll(agentArgs);
        process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("agent.log").toFile())).start();
        Files.writeString(dataDir.resolve("agent.pid"), process.pid() + "\n", StandardCharsets.US_ASCII);
        return this;
    }

    /** Waits until the admin API answers with the node past {@code starting}; fails at once if the agent exits. */
    public void awaitAnswer(Duration timeout) throws IOException {
        try {
            await().atMost(timeout).pollInterval(POLL)
                    .failFast(hostname + ": the agent exited; see " + dataDir.resolve("agent.log"),
                            () -> !process.isAlive())
                    .until(this::answers);
        } catch (ConditionTimeoutException e) {
            throw new IOException(hostname + ": the agent did not answer within " + timeout.toSeconds() + " s; see "
                    + dataDir.resolve("agent.log"));
        } catch (org.awaitility.core.TerminalFailureException e) {
            throw new IOException(e.getMessage());
        }
    }

    private boolean answers() {
        try {
            AdminClient.Response r = AdminClient.forHost(host).send("GET", "/info", null);
            return r.status() == 200 && !"starting".equals(Json.read(r.body(), InfoView.class).swarm());
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** kill -9: a crash; its tasks keep running. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * SIGTERM (the agent stops its tasks), then SIGKILL if it takes longer than {@code grace}.
     *
     * @return whether it stopped on SIGTERM alone
     */
    public boolean stop(Duration grace) throws InterruptedException {
        if (!isAlive()) {
            return true;
        }
        signalStop();
        return awaitStop(grace);
    }

    /** SIGTERM without waiting: agents signalled together take their seconds of shutting down at once. */
    public void signalStop() {
        process.destroy();
    }

    /**
     * After {@link #signalStop}: waits up to {@code grace} for the end, then SIGKILL.
     *
     * @return whether it stopped on SIGTERM alone
     */
    public boolean awaitStop(Duration grace) throws InterruptedException {
        if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            return true;
        }
        kill();
        return false;
    }

    /** The exit code of the last run; only once it has ended. */
    public int exitValue() {
        return process.exitValue();
    }
}
