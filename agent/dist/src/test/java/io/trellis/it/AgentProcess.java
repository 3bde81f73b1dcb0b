package io.trellis.it;

import io.trellis.api.client.AdminClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real {@code trellis agent} in its own JVM, started from the test classpath, as a user would run it. */
final class AgentProcess {
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_ADDRESS = new java.util.concurrent.atomic.AtomicInteger(1);

    final Path dataDir;
    final String host;
    final int raftPort;
    final String hostname;
    /** A loopback address of its own, so several agents (and their fixed ports 2377/2378) coexist. */
    final String address;
    private final List<String> extraArgs;
    private Process process;

    AgentProcess(Path dataDir) throws IOException {
        this(dataDir, "itest", List.of());
    }

    AgentProcess(Path dataDir, String hostname, List<String> extraArgs) throws IOException {
        this.dataDir = dataDir;
        this.host = "unix://" + dataDir.resolve("agent.sock");
        this.hostname = hostname;
        this.extraArgs = List.copyOf(extraArgs);
        int n = NEXT_ADDRESS.getAndIncrement();
        this.address = "127.77." + (ProcessHandle.current().pid() % 250) + "." + n;
        try (ServerSocket s = new ServerSocket(0)) {
            this.raftPort = s.getLocalPort();
        }
    }

    /** This agent's cluster address once it is a manager with the default listen port. */
    String clusterAddress() {
        return address + ":2377";
    }

    AgentProcess start() throws IOException {
        launch();
        awaitAnswer(Duration.ofSeconds(60));
        return this;
    }

    /** Starts the process without waiting: several managers restarting together need each other. */
    AgentProcess launch() throws IOException {
        java.nio.file.Files.createDirectories(dataDir);
        List<String> argv = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(), "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "io.trellis.dist.Main",
                "agent", "--data-dir", dataDir.toString(), "--host", host, "--hostname", hostname,
                "--advertise-addr", address,
                "--raft-port", String.valueOf(raftPort), "--stop-grace-period", "2"));
        argv.addAll(extraArgs);
        process = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("agent.log").toFile()))
                .start();
        return this;
    }

    void awaitAnswer(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("agent exited with " + process.exitValue() + "; see " + dataDir.resolve("agent.log"));
            }
            try {
                AdminClient.Response r = AdminClient.forHost(host).send("GET", "/info", null);
                if (r.status() == 200 && !r.bodyText().contains("\"swarm\":\"starting\"")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            sleep(100);
        }
        throw new IOException("agent did not answer within " + timeout);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait; returns the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("agent did not stop within " + timeout + " after SIGTERM");
        }
        return process.exitValue();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
