package io.trellis.perf.cluster;

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

/**
 * One {@code trellis agent} process on a loopback address of its own (127.0.0.0/8 is all local on
 * Linux, so each agent keeps the fixed cluster port 2377 without a network namespace), as
 * {@code agent/dist/src/test/.../it/AgentProcess} does. Its PID goes to {@code agent.pid} in its data
 * directory so {@code perf/bench-cluster.sh}'s EXIT trap can kill it if this JVM dies first.
 */
final class LocalAgent {
    /** The lab's agent JVM flags (agent/.../lab/Lab.java), so numbers compare with the lab's. */
    static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1");
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

    final String name;
    final Path dataDir;
    final String address;
    final String host;
    private final int raftPort;
    private final Path jar;
    private final String heartbeat;
    private Process process;

    LocalAgent(String name, Path dataDir, String address, Path jar, String heartbeat) throws IOException {
        this.name = name;
        this.dataDir = dataDir;
        this.address = address;
        this.host = "unix://" + dataDir.resolve("agent.sock");
        this.jar = jar;
        this.heartbeat = heartbeat;
        try (ServerSocket s = new ServerSocket(0)) {
            this.raftPort = s.getLocalPort();
        }
    }

    /** Where its cluster API listens once it is a manager (the default port). */
    String clusterAddress() {
        return address + ":2377";
    }

    /** Starts (or restarts, with the same data directory and flags) and waits until it answers. */
    LocalAgent start() throws IOException {
        Files.createDirectories(dataDir);
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command().orElse("java"));
        argv.addAll(JVM_FLAGS);
        argv.addAll(List.of("-cp", jar.toString(), "io.trellis.dist.Main", "agent",
                "--data-dir", dataDir.toString(), "--host", host, "--hostname", name, "--advertise-addr", address,
                "--raft-port", String.valueOf(raftPort), "--heartbeat-period", heartbeat, "--stop-grace-period", "1"));
        process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("agent.log").toFile())).start();
        Files.writeString(dataDir.resolve("agent.pid"), process.pid() + "\n", StandardCharsets.US_ASCII);
        awaitAnswer();
        return this;
    }

    private void awaitAnswer() throws IOException {
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + ": the agent exited with " + process.exitValue() + "; see "
                        + dataDir.resolve("agent.log"));
            }
            try {
                AdminClient.Response r = AdminClient.forHost(host).send("GET", "/info", null);
                if (r.status() == 200 && !"starting".equals(Json.read(r.body(), InfoView.class).swarm())) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Pause.millis(50);
        }
        throw new IOException(name + ": the agent did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** kill -9: a crash; its tasks keep running. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM (the agent stops its tasks), then SIGKILL if it takes longer than {@code grace}. */
    void stop(Duration grace) throws InterruptedException {
        if (!alive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
    }
}
