package io.trellis.lab;

import com.fasterxml.jackson.databind.JsonNode;
import io.trellis.api.InfoView;
import io.trellis.api.Json;
import io.trellis.api.client.AdminClient;
import io.trellis.ipvs.Privileges;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.process.FileTree;
import io.trellis.process.SelfLauncher;
import io.trellis.process.TaskDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A cluster of network namespaces on this host: {@code up} builds the underlay, starts one agent
 * per node and makes them one swarm; {@code stop}/{@code start} and {@code partition}/{@code heal}
 * inject failures into one node; {@code down} stops everything and removes every trace. Every
 * verb works from a fresh CLI invocation through {@link LabState}.
 */
public final class Lab {
    static final Path DATA_ROOT = Path.of("/var/lib/trellis-lab");
    static final Path SOCKET_DIR = Path.of("/run/trellis/lab");
    static final Path TASK_NETNS_DIR = Path.of("/run/trellis/netns");
    /** How an agent names its ingress sandbox's namespace in that folder, before its node ID. */
    static final String INGRESS_SANDBOX_PREFIX = "ingress-sbox-";
    private static final Duration AGENT_STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SWARM_RESTORE_TIMEOUT = Duration.ofSeconds(20);
    /** {@code InfoView.swarm()} while a restarted agent restores its store. */
    private static final String SWARM_STARTING = "starting";

    private final PrintWriter out;
    private final TrellisCli cli;

    public Lab(PrintWriter out) {
        this(out, TrellisCli.inProcess());
    }

    Lab(PrintWriter out, TrellisCli cli) {
        this.out = out;
        this.cli = cli;
    }

    /** What {@code lab status} shows for one node. */
    public record NodeStatus(LabState.LabNode node, boolean agentRunning, boolean partitioned) {
    }

    /** One line saying why the lab cannot run here, if it cannot. */
    public static Optional<String> unavailableReason() {
        return Privileges.missingForNetns().map(r -> "the lab needs root to create network namespaces (" + r + ")");
    }

    /** Builds the lab {@code plan} describes, replacing any other lab; keeps a running lab of that shape. */
    public List<LabState.LabNode> up(LabPlan plan) throws IOException {
        Optional<LabState> existing = LabState.load();
        if (existing.isPresent() && plan.agentFlags().isEmpty() && existing.get().nodes().size() == plan.nodes()
                && existing.get().managers() == plan.managers()
                && existing.get().nodes().stream().allMatch(n -> n.agent().alive())) {
            out.println("lab is already up with " + plan.nodes() + " node" + (plan.nodes() == 1 ? "" : "s")
                    + " (" + plan.managers() + " manager" + (plan.managers() == 1 ? "" : "s") + ")");
            out.flush();
            return existing.get().nodes();
        }
        down();
        boolean ok = false;
        try {
            LabNetwork.createHub();
            List<LabState.LabNode> started = new ArrayList<>();
            for (int i = 1; i <= plan.nodes(); i++) {
                String name = "node" + i;
                LabNetwork.createNode(name, i);
                started.add(launch(name, i, plan.roleOf(i), plan.agentFlagsOf(i)));
                new LabState(plan.managers(), started).save(); // so down() finds a half-built lab
            }
            for (LabState.LabNode n : started) {
                awaitAgent(n, plan.timeout());
            }
            new ClusterFormation(cli, out, plan.timeout()).form(started);
            ok = true;
            return started;
        } finally {
            if (!ok) {
                down();
            }
        }
    }

    /** Shorter than Swarm's 5 s: in a lab (demos, failure drills) a dead node should show within seconds. */
    static final String HEARTBEAT_PERIOD = "1s";

    private static LabState.LabNode launch(String name, int index, String role, List<String> flags)
            throws IOException {
        Path dataDir = DATA_ROOT.resolve(name);
        Files.createDirectories(dataDir);
        Files.createDirectories(SOCKET_DIR);
        String socket = SOCKET_DIR.resolve(name + ".sock").toString();
        String ns = LabNetwork.namespaceOf(name);
        String address = LabNetwork.addressOf(index);
        // setsid: the agent outlives this CLI and no terminal signal reaches it; nsenter execs, so
        // the PID we get is the agent's own.
        List<String> command = new ArrayList<>(List.of("setsid", "nsenter", "--net=" + LabNetwork.pathOf(ns), "--"));
        command.addAll(SelfLauncher.current().agentCommand());
        command.addAll(List.of("agent", "--data-dir", dataDir.toString(), "--host", "unix://" + socket,
                "--hostname", name, "--advertise-addr", address,
                // One node's tasks must not see the other nodes' data directories.
                "--sandbox-hide", DATA_ROOT.toString()));
        command.addAll(flags);
        AgentProcess agent = AgentProcess.launch(command, logOf(dataDir.toString()));
        return new LabState.LabNode(name, ns, address, socket, dataDir.toString(), role, command, agent);
    }

    private static Path logOf(String dataDir) {
        return Path.of(dataDir, "agent.log");
    }

    private static void awaitAgent(LabState.LabNode n, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!n.agent().alive()) {
                throw new IOException(n.name() + ": the agent exited at start; see " + logOf(n.dataDir()));
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
        throw new IOException(n.name() + ": the agent did not answer within " + timeout.toSeconds() + " s");
    }

    /** Stops every lab agent and task and deletes namespaces, data and sockets. Safe to repeat. */
    public void down() throws IOException {
        Optional<LabState> state = LabState.load();
        if (state.isPresent()) {
            // Signal all first, then wait: the agents stop their tasks in parallel.
            for (LabState.LabNode n : state.get().nodes()) {
                n.agent().signal(false);
            }
            for (LabState.LabNode n : state.get().nodes()) {
                if (!n.agent().awaitExit(AGENT_STOP_TIMEOUT)) {
                    n.agent().signal(true);
                    n.agent().awaitExit(AGENT_STOP_TIMEOUT);
                }
            }
        }
        killOrphanedTasks();
        LabNetwork.deleteAll();
        FileTree.delete(DATA_ROOT);
        FileTree.delete(SOCKET_DIR);
        LabState.delete();
    }

    /**
     * An agent removes its ingress sandbox when it stops; one killed hard leaves it pinned, named after its
     * node ID (in the node's {@code swarm.json}).
     */
    private static void deleteIngressSandbox(Path nodeDir) throws IOException {
        Path identity = nodeDir.resolve("swarm.json");
        if (!Files.isRegularFile(identity)) {
            return;
        }
        JsonNode nodeId = Json.MAPPER.readTree(identity.toFile()).get("nodeId");
        if (nodeId != null && nodeId.isTextual() && nodeId.asText().matches("[a-z0-9]+")) {
            NetworkNamespace.delete(TASK_NETNS_DIR.resolve(INGRESS_SANDBOX_PREFIX + nodeId.asText()));
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
                    dirs.readProcess(id).flatMap(r -> r.identity().handle()).ifPresent(ProcessHandle::destroyForcibly);
                    NetworkNamespace.delete(TASK_NETNS_DIR.resolve(id));
                }
                deleteIngressSandbox(node);
            }
        }
    }

    /**
     * Stops a node's agent: SIGTERM (it stops its tasks and leaves cleanly), or SIGKILL with
     * {@code kill} (a crash: its task processes keep running, to be adopted on {@code start}).
     */
    public void stop(String node, boolean kill) throws IOException {
        LabState.LabNode n = resolve(node);
        AgentProcess agent = n.agent();
        if (!agent.alive()) {
            say(n.name() + ": agent already stopped");
        } else if (kill) {
            agent.signal(true);
            agent.awaitExit(AGENT_STOP_TIMEOUT);
            say(n.name() + ": agent killed (SIGKILL, pid " + agent.pid() + "); its tasks keep running");
        } else if (agent.stop(AGENT_STOP_TIMEOUT)) {
            say(n.name() + ": agent did not stop within " + AGENT_STOP_TIMEOUT.toSeconds() + " s of SIGTERM; killed");
        } else {
            say(n.name() + ": agent stopped (SIGTERM, pid " + agent.pid() + ")");
        }
    }

    /** Restarts a stopped node's agent with its first command line; it resumes its swarm from its data dir. */
    public void start(String node) throws IOException {
        LabState.LabNode n = resolve(node);
        if (n.agent().alive()) {
            say(n.name() + ": agent already running (pid " + n.pid() + ")");
            return;
        }
        LabState.LabNode restarted = n.withAgent(AgentProcess.launch(n.agentCommand(), logOf(n.dataDir())));
        LabState.load().orElseThrow(LabNotUp::new).with(restarted).save();
        awaitAgent(restarted, LabPlan.DEFAULT_TIMEOUT);
        String swarm = awaitSwarmRestored(restarted);
        say(n.name() + ": agent started (pid " + restarted.pid() + ")"
                + (swarm.equals(SWARM_STARTING) ? "; still restoring its swarm state" : "; swarm " + swarm));
    }

    /**
     * A restarted agent answers {@code /info} at once but refuses cluster commands while it replays
     * its store; wait for that, so the next command works, but not forever: a node that cannot
     * reach its managers (partitioned) may take longer, and that is for the user to see.
     */
    private static String awaitSwarmRestored(LabState.LabNode n) throws IOException {
        long deadline = System.nanoTime() + SWARM_RESTORE_TIMEOUT.toNanos();
        String swarm = SWARM_STARTING;
        while (System.nanoTime() < deadline) {
            AdminClient.Response r = AdminClient.forHost(n.host()).send("GET", "/info", null);
            swarm = r.status() == 200 ? Json.read(r.body(), InfoView.class).swarm() : SWARM_STARTING;
            if (!swarm.equals(SWARM_STARTING)) {
                return swarm;
            }
            sleep(100);
        }
        return swarm;
    }

    /** Takes the node's underlay link down: it can reach no other node, nor they it. */
    public void partition(String node) throws IOException {
        LabState.LabNode n = resolve(node);
        if (LabNetwork.isPartitioned(n.name())) {
            say(n.name() + " is already partitioned");
            return;
        }
        LabNetwork.partition(n.name());
        say(n.name() + " is partitioned: its underlay link is down");
    }

    public void heal(String node) throws IOException {
        LabState.LabNode n = resolve(node);
        if (!LabNetwork.isPartitioned(n.name())) {
            say(n.name() + " is not partitioned");
            return;
        }
        LabNetwork.heal(n.name());
        say(n.name() + " is connected again: its underlay link is up");
    }

    /** Each node's agent and link as they are now; empty if the lab is not up. */
    public Optional<List<NodeStatus>> status() throws IOException {
        Optional<LabState> state = LabState.load();
        if (state.isEmpty()) {
            return Optional.empty();
        }
        List<NodeStatus> result = new ArrayList<>();
        for (LabState.LabNode n : state.get().nodes()) {
            result.add(new NodeStatus(n, n.agent().alive(), LabNetwork.isPartitioned(n.name())));
        }
        return Optional.of(result);
    }

    /** Runs {@code command} in a node's namespace with TRELLIS_HOST pointing at its agent; returns its exit code. */
    public int exec(String node, List<String> command) throws IOException, InterruptedException {
        LabState.LabNode n = resolve(node);
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + LabNetwork.pathOf(n.namespace()), "--"));
        argv.addAll(SelfLauncher.current().resolve(command));
        ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
        pb.environment().put("TRELLIS_HOST", n.host());
        return pb.start().waitFor();
    }

    public static Optional<LabState.LabNode> node(String name) throws IOException {
        return LabState.load().flatMap(s -> s.node(name));
    }

    /**
     * The lab node called {@code name}.
     *
     * @throws IllegalArgumentException one line, if the lab is not up or has no such node
     */
    private static LabState.LabNode resolve(String name) throws IOException {
        LabState state = LabState.load().orElseThrow(LabNotUp::new);
        return state.node(name).orElseThrow(() -> new IllegalArgumentException("unknown lab node \"" + name
                + "\": the lab has " + state.nodes().stream().map(LabState.LabNode::name).collect(Collectors.joining(", "))));
    }

    private static final class LabNotUp extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        LabNotUp() {
            super("the lab is not up: run trellis lab up");
        }
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
