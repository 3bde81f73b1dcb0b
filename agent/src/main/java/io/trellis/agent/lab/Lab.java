package io.trellis.agent.lab;

import io.trellis.agent.admin.AdminClient;
import io.trellis.agent.runtime.FileTree;
import io.trellis.agent.runtime.SelfLauncher;
import io.trellis.agent.runtime.TaskDirectory;
import io.trellis.ipvs.Privileges;
import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A cluster of network namespaces on this host: {@code up} builds the underlay and starts one agent
 * per node, {@code down} stops them and removes every trace. Both are idempotent.
 */
public final class Lab {
    static final Path DATA_ROOT = Path.of("/var/lib/trellis-lab");
    static final Path SOCKET_DIR = Path.of("/run/trellis/lab");
    static final Path TASK_NETNS_DIR = Path.of("/run/trellis/netns");
    public static final int NODES_MAX = 9;
    private static final Duration AGENT_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration AGENT_STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final List<String> AGENT_JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1");

    private final PrintWriter out;

    public Lab(PrintWriter out) {
        this.out = out;
    }

    /** One line saying why the lab cannot run here, if it cannot. */
    public static Optional<String> unavailableReason() {
        return Privileges.missingForNetns().map(r -> "the lab needs root to create network namespaces (" + r + ")");
    }

    public List<LabState.LabNode> up(int nodes) throws IOException {
        if (nodes < 1 || nodes > NODES_MAX) {
            throw new IllegalArgumentException("invalid --nodes " + nodes + ": must be between 1 and " + NODES_MAX);
        }
        Optional<LabState> existing = LabState.load();
        if (existing.isPresent() && existing.get().nodes().size() == nodes
                && existing.get().nodes().stream().allMatch(Lab::agentAlive)) {
            out.println("lab is already up with " + nodes + " node" + (nodes == 1 ? "" : "s"));
            return existing.get().nodes();
        }
        down();
        boolean ok = false;
        try {
            LabNetwork.createHub();
            List<LabState.LabNode> started = new ArrayList<>();
            for (int i = 1; i <= nodes; i++) {
                String name = "node" + i;
                LabNetwork.createNode(name, i);
                started.add(startAgent(name, i));
                new LabState(started).save(); // so down() finds a half-built lab
            }
            for (LabState.LabNode n : started) {
                awaitAgent(n);
                AdminClient.Response r = AdminClient.forHost(n.host()).send("POST", "/swarm/init",
                        ("{\"advertiseAddr\":\"" + n.address() + "\"}").getBytes(StandardCharsets.UTF_8));
                if (r.status() != 200) {
                    throw new IOException(n.name() + ": swarm init failed: " + new String(r.body(), StandardCharsets.UTF_8));
                }
                out.printf("%-6s %-15s agent pid %-7d TRELLIS_HOST=%s%n", n.name(), n.address(), n.pid(), n.host());
            }
            out.flush();
            ok = true;
            return started;
        } finally {
            if (!ok) {
                down();
            }
        }
    }

    private static LabState.LabNode startAgent(String name, int index) throws IOException {
        Path dataDir = DATA_ROOT.resolve(name);
        Files.createDirectories(dataDir);
        Files.createDirectories(SOCKET_DIR);
        String socket = SOCKET_DIR.resolve(name + ".sock").toString();
        String ns = LabNetwork.namespaceOf(name);
        List<String> argv = new ArrayList<>(List.of("setsid", "nsenter", "--net=" + LabNetwork.pathOf(ns), "--"));
        argv.addAll(SelfLauncher.current().javaCommand(AGENT_JVM_FLAGS));
        argv.addAll(List.of("agent", "--data-dir", dataDir.toString(), "--host", "unix://" + socket,
                "--hostname", name, "--advertise-addr", LabNetwork.addressOf(index)));
        Process p = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("agent.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        return new LabState.LabNode(name, ns, LabNetwork.addressOf(index), socket, dataDir.toString(), p.pid());
    }

    private static void awaitAgent(LabState.LabNode n) throws IOException {
        long deadline = System.nanoTime() + AGENT_START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!agentAlive(n)) {
                throw new IOException(n.name() + ": the agent exited at start; see " + n.dataDir() + "/agent.log");
            }
            try {
                if (AdminClient.forHost(n.host()).send("GET", "/info", null).status() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(100);
        }
        throw new IOException(n.name() + ": the agent did not answer within " + AGENT_START_TIMEOUT.toSeconds() + " s");
    }

    private static boolean agentAlive(LabState.LabNode n) {
        return ProcessHandle.of(n.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Stops every lab agent and task and deletes namespaces, data and sockets. Safe to repeat. */
    public void down() throws IOException {
        Optional<LabState> state = LabState.load();
        if (state.isPresent()) {
            for (LabState.LabNode n : state.get().nodes()) {
                ProcessHandle.of(n.pid()).ifPresent(ProcessHandle::destroy);
            }
            for (LabState.LabNode n : state.get().nodes()) {
                ProcessHandle.of(n.pid()).ifPresent(Lab::awaitOrKill);
            }
        }
        killOrphanedTasks();
        LabNetwork.deleteAll();
        FileTree.delete(DATA_ROOT);
        FileTree.delete(SOCKET_DIR);
        LabState.delete();
    }

    private static void awaitOrKill(ProcessHandle h) {
        try {
            h.onExit().get(AGENT_STOP_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
        }
    }

    /** Tasks of an agent that was killed hard outlive it; find them through their task folders. */
    private static void killOrphanedTasks() throws IOException {
        if (!Files.isDirectory(DATA_ROOT)) {
            return;
        }
        try (Stream<Path> nodes = Files.list(DATA_ROOT)) {
            for (Path node : nodes.toList()) {
                TaskDirectory dirs = new TaskDirectory(node.resolve("tasks"));
                for (String id : dirs.taskIds()) {
                    dirs.readProcess(id).ifPresent(r -> ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroyForcibly));
                    NetworkNamespace.delete(TASK_NETNS_DIR.resolve(id));
                }
            }
        }
    }

    /** Runs {@code command} in a node's namespace with TRELLIS_HOST pointing at its agent; returns its exit code. */
    public int exec(String node, List<String> command) throws IOException, InterruptedException {
        LabState state = LabState.load().orElseThrow(() -> new IllegalArgumentException("the lab is not up: run trellis lab up"));
        LabState.LabNode n = state.node(node).orElseThrow(() -> new IllegalArgumentException(
                "unknown lab node \"" + node + "\": the lab has " + state.nodes().stream().map(LabState.LabNode::name).toList()));
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + LabNetwork.pathOf(n.namespace()), "--"));
        argv.addAll(SelfLauncher.current().resolve(command));
        ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
        pb.environment().put("TRELLIS_HOST", n.host());
        return pb.start().waitFor();
    }

    public static Optional<LabState.LabNode> node(String name) throws IOException {
        return LabState.load().flatMap(s -> s.node(name));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
