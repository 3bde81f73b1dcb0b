package io.trellis.agent.it;

import io.trellis.agent.admin.AdminClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real {@code trellis agent} in its own JVM, started from the test classpath, as a user would run it. */
final class AgentProcess {
    final Path dataDir;
    final String host;
    final int raftPort;
    private Process process;

    AgentProcess(Path dataDir) throws IOException {
        this.dataDir = dataDir;
        this.host = "unix://" + dataDir.resolve("agent.sock");
        try (ServerSocket s = new ServerSocket(0)) {
            this.raftPort = s.getLocalPort();
        }
    }

    AgentProcess start() throws IOException {
        List<String> argv = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(), "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "io.trellis.agent.Main",
                "agent", "--data-dir", dataDir.toString(), "--host", host, "--hostname", "itest",
                "--raft-port", String.valueOf(raftPort), "--stop-grace-period", "2"));
        process = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("agent.log").toFile()))
                .start();
        awaitAnswer(Duration.ofSeconds(60));
        return this;
    }

    private void awaitAnswer(Duration timeout) throws IOException {
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
