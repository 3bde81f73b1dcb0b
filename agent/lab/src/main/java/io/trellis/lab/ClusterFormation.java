package io.trellis.lab;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the lab's nodes one swarm, the way an admin would: {@code swarm init} on node1, then on
 * every other node {@code swarm join} with node1's manager or worker token, each command sent to
 * that node's own agent. Nodes join one at a time in lab order, managers before workers (see
 * {@link LabPlan#roleOf}), so each manager joins a settled Raft group.
 */
final class ClusterFormation {
    /** Swarm's cluster management port, where a joining node reaches a manager. */
    static final int SWARM_PORT = 2377;
    /** Exit code 2 means the agent is still starting or not a manager yet: worth asking again. */
    private static final int NOT_READY = 2;
    private static final long RETRY_MILLIS = 250;

    private final TrellisCli cli;
    private final PrintWriter out;
    private final Duration notReadyTimeout;

    /** {@code notReadyTimeout}: how long one step is retried while its agent answers "not ready". */
    ClusterFormation(TrellisCli cli, PrintWriter out, Duration notReadyTimeout) {
        this.cli = cli;
        this.out = out;
        this.notReadyTimeout = notReadyTimeout;
    }

    /** {@code nodes} in order, node1 first; each node's {@link LabState.LabNode#role()} says how it joins. */
    void form(List<LabState.LabNode> nodes) throws IOException {
        LabState.LabNode first = nodes.get(0);
        report(first, run(first, "swarm init", null, "swarm", "init", "--advertise-addr", first.address()));
        Map<String, String> tokens = new HashMap<>(); // one join-token call per role
        for (LabState.LabNode n : nodes.subList(1, nodes.size())) {
            String token = tokens.get(n.role());
            if (token == null) {
                token = joinToken(first, n.role());
                tokens.put(n.role(), token);
            }
            report(n, join(n, token, first.address()));
        }
        out.flush();
    }

    private String joinToken(LabState.LabNode manager, String role) throws IOException {
        return run(manager, "swarm join-token " + role, null, "swarm", "join-token", "-q", role).out().strip();
    }

    /** The one step that needs {@code swarm join}: returns once the CLI says the node has joined. */
    private TrellisCli.Result join(LabState.LabNode node, String token, String managerAddress) throws IOException {
        return run(node, "swarm join", token, "swarm", "join", "--token", token, "--advertise-addr", node.address(),
                managerAddress + ":" + SWARM_PORT);
    }

    /**
     * Runs a command against {@code node}'s agent. {@code what} names it in errors, and
     * {@code secret} (a join token, or null) is masked there: a CLI error may echo its arguments.
     */
    private TrellisCli.Result run(LabState.LabNode node, String what, String secret, String... args) throws IOException {
        // -H belongs to the client command (swarm init, swarm join, ...), after its two words.
        List<String> argv = new ArrayList<>(List.of(args));
        argv.addAll(2, List.of("--host", node.host()));
        long deadline = System.nanoTime() + notReadyTimeout.toNanos();
        while (true) {
            TrellisCli.Result r = cli.run(argv);
            if (r.exitCode() == 0) {
                return r;
            }
            if (r.exitCode() != NOT_READY || System.nanoTime() > deadline) {
                String reason = secret == null ? r.reason() : r.reason().replace(secret, "<token>");
                throw new IOException(node.name() + ": " + what + " failed: " + reason);
            }
            sleep();
        }
    }

    /** The command's first line ("Swarm initialized: …", "This node joined a swarm as a worker."); the rest is advice for humans. */
    private void report(LabState.LabNode node, TrellisCli.Result r) {
        out.println(node.name() + ": " + r.out().strip().lines().findFirst().orElse(""));
        out.flush();
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forming the lab cluster", e);
        }
    }
}
