package io.trellis.perf.cluster;

import io.trellis.dist.Main;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.process.FileTree;
import io.trellis.process.TaskDirectory;
import io.trellis.testing.agent.AgentCli;
import io.trellis.testing.agent.AgentProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A real swarm of agent processes on loopback addresses under one data root: managers m1..mM and
 * workers w1..wW, formed as a user would (swarm init on m1, join tokens, swarm join through the CLI,
 * mutual TLS everywhere). {@link #close} and {@link #cleanup} leave nothing behind: agents, task
 * processes a killed agent left running, task namespaces, the data root.
 */
final class LocalCluster implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    /** The lab's agent JVM flags (agent/lab's Lab), so numbers compare with the lab's. */
    private static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1");
    /** Where agents put task namespaces (AgentConfiguration.NETNS_DIR_DEFAULT). */
    private static final Path TASK_NETNS_DIR = Path.of("/run/trellis/netns");

    private final Path root;
    private final List<AgentProcess> managers = new ArrayList<>();
    private final List<AgentProcess> workers = new ArrayList<>();

    private LocalCluster(Path root) {
        this.root = root;
    }

    /**
     * Starts and forms the swarm. Addresses are 127.78.X.i with X from this process's PID, so two runs
     * at once do not collide on port 2377.
     */
    static LocalCluster form(Path root, Path jar, int managerCount, int workerCount, String heartbeat)
            throws IOException, InterruptedException {
        LocalCluster c = new LocalCluster(root);
        boolean ok = false;
        try {
            String net = "127.78." + (ProcessHandle.current().pid() % 250) + ".";
            for (int i = 1; i <= managerCount + workerCount; i++) {
                String name = i <= managerCount ? "m" + i : "w" + (i - managerCount);
                AgentProcess a = agent(name, root.resolve(name), net + i, jar, heartbeat).start(ANSWER_TIMEOUT);
                (i <= managerCount ? c.managers : c.workers).add(a);
            }
            AgentProcess first = c.managers.get(0);
            cli(first.host, "swarm", "init");
            String managerToken = cli(first.host, "swarm", "join-token", "-q", "manager").strip();
            String workerToken = cli(first.host, "swarm", "join-token", "-q", "worker").strip();
            for (AgentProcess m : c.managers.subList(1, c.managers.size())) {
                cli(m.host, "swarm", "join", "--token", managerToken, first.clusterAddress());
            }
            for (AgentProcess w : c.workers) {
                cli(w.host, "swarm", "join", "--token", workerToken, first.clusterAddress());
            }
            ok = true;
            return c;
        } finally {
            if (!ok) {
                c.close();
            }
        }
    }

    /**
     * One agent from {@code jar} on its own loopback address; its PID in {@code agent.pid} lets
     * {@link #cleanup} (and perf/bench-cluster.sh's EXIT trap) kill it if this JVM dies first.
     */
    private static AgentProcess agent(String name, Path dataDir, String address, Path jar, String heartbeat)
            throws IOException {
        return new AgentProcess(name, dataDir, address, jar.toString(), JVM_FLAGS,
                List.of("--heartbeat-period", heartbeat, "--stop-grace-period", "1"));
    }

    List<AgentProcess> managers() {
        return managers;
    }

    List<AgentProcess> workers() {
        return workers;
    }

    Optional<AgentProcess> byName(String name) {
        return Stream.concat(managers.stream(), workers.stream()).filter(a -> a.hostname.equals(name)).findFirst();
    }

    /** Runs {@code trellis ARGS} with {@code --host HOST} after the command's two words in this JVM; fails with its error line. */
    static String cli(String host, String... args) throws IOException {
        AgentCli.Result r = new AgentCli(Main::execute, host).run(args);
        if (r.exitCode() != 0) {
            throw new IOException("trellis " + String.join(" ", args) + " exited " + r.exitCode() + ": " + r.err().strip());
        }
        return r.out();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        // SIGTERM all at once: each agent stops its tasks, in parallel.
        CompletableFuture.allOf(Stream.concat(managers.stream(), workers.stream())
                .map(a -> CompletableFuture.runAsync(() -> {
                    try {
                        a.stop(STOP_GRACE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })).toArray(CompletableFuture[]::new)).join();
        cleanup(root);
    }

    /**
     * Removes whatever a run under {@code root} left: agents still running (PID from
     * {@code agent.pid}, only if its command line names this root, so a reused PID is never hit),
     * task processes and task namespaces of agents that were killed, then the directory.
     */
    static void cleanup(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        List<Path> dirs;
        // Agent directories at any depth: a run may hold several clusters (one per heartbeat period).
        try (Stream<Path> s = Files.walk(root, 4)) {
            dirs = s.filter(p -> p.getFileName().toString().equals("agent.pid")).map(Path::getParent).toList();
        }
        for (Path dir : dirs) {
            long pid = Long.parseLong(Files.readString(dir.resolve("agent.pid")).strip());
            ProcessHandle.of(pid).filter(p -> p.info().commandLine().orElse("").contains(dir.toString()))
                    .ifPresent(ProcessHandle::destroyForcibly);
            if (Files.isDirectory(dir.resolve("tasks"))) {
                TaskDirectory tasks = new TaskDirectory(dir.resolve("tasks"));
                for (String id : tasks.taskIds()) {
                    tasks.readProcess(id).ifPresent(r -> ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroyForcibly));
                    NetworkNamespace.delete(TASK_NETNS_DIR.resolve(id));
                }
            }
        }
        FileTree.delete(root);
    }
}
