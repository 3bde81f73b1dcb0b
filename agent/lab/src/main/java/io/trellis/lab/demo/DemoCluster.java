package io.trellis.lab.demo;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.NodeView;
import io.trellis.api.TaskView;
import io.trellis.cli.AgentConnection;
import io.trellis.cli.CliException;
import io.trellis.cli.NodeCommand;
import io.trellis.cli.ServiceCommand;
import io.trellis.lab.Lab;
import io.trellis.lab.LabState;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The demo's view of its lab cluster through the admin API: which manager leads (the demo sends
 * its commands there), which tasks run where, and bounded waits for the cluster to settle after
 * each failure the demo injects. A wait that runs out ends the demo with one line saying what did
 * not happen.
 */
final class DemoCluster {
    private static final long POLL_MILLIS = 100;

    private final Lab lab;
    private final String service;
    private String leader; // lab node name of the manager that led when last asked

    DemoCluster(Lab lab, String service) {
        this.lab = lab;
        this.service = service;
    }

    /** Starts out talking to {@code node}, which initialised the swarm and so leads it. */
    void startAt(String node) {
        leader = node;
    }

    /** Where the demo's commands go: the leader's admin socket. */
    String host() {
        return node(leader).host();
    }

    String leader() {
        return leader;
    }

    /** The service's tasks that run and are meant to, as the leader sees them. */
    List<TaskView> running() {
        return AgentConnection.to(host()).get(ServiceCommand.path(service) + "/tasks",
                        new TypeReference<List<TaskView>>() { }).stream()
                .filter(t -> t.state().equals("Running") && t.desiredState().equals("Running"))
                .toList();
    }

    List<TaskView> runningOn(String node) {
        return running().stream().filter(t -> t.node().equals(node)).toList();
    }

    /** From one snapshot: {@code replicas} tasks run, none of them on {@code node}. */
    boolean runsElsewhere(int replicas, String node) {
        List<TaskView> now = running();
        return now.size() == replicas && now.stream().noneMatch(t -> t.node().equals(node));
    }

    /** Every node has sent its heartbeat (a node that just joined is Unknown until then). */
    boolean allReady() {
        return AgentConnection.to(host()).get("/nodes", new TypeReference<List<NodeView>>() { }).stream()
                .allMatch(n -> n.status().equals("Ready"));
    }

    /** {@code hostname} as the leader sees it. */
    NodeView nodeView(String hostname) {
        return AgentConnection.to(host()).get(NodeCommand.path(hostname), NodeView.class);
    }

    /** Down, and no longer a Raft member the leader hears from. */
    boolean isLost(String hostname) {
        NodeView n = nodeView(hostname);
        return n.status().equals("Down") && n.managerStatus().equals("Unreachable");
    }

    /** Ready, and (for a manager) a Raft member the leader hears from: the cluster can lose another one. */
    boolean isBack(String hostname) {
        NodeView n = nodeView(hostname);
        return n.status().equals("Ready") && !n.managerStatus().equals("Unreachable");
    }

    /**
     * Waits until a running agent other than {@code formerLeader}'s says it leads, and sends the
     * demo's commands there from then on.
     *
     * @return milliseconds waited
     */
    long awaitLeader(String formerLeader, Duration timeout) {
        return await(timeout, "no new leader was elected", () -> {
            for (Lab.NodeStatus s : lab.status().orElseThrow()) {
                String name = s.node().name();
                if (s.agentRunning() && !name.equals(formerLeader) && leads(s.node())) {
                    leader = name;
                    return true;
                }
            }
            return false;
        });
    }

    /** True when the node's own agent lists itself as the leader (a follower may still name a dead one). */
    private static boolean leads(LabState.LabNode n) {
        return AgentConnection.to(n.host()).get("/nodes", new TypeReference<List<NodeView>>() { }).stream()
                .anyMatch(v -> v.self() && v.managerStatus().equals("Leader"));
    }

    /**
     * Polls {@code condition} until it holds; an agent that is unreachable or leaderless meanwhile
     * counts as "not yet".
     *
     * @param failure what did not happen, for the one line the demo ends with
     * @return milliseconds waited
     */
    long await(Duration timeout, String failure, Check condition) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            try {
                if (condition.holds()) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            } catch (CliException | IOException | java.io.UncheckedIOException e) {
                // an agent restarting or a swarm without a leader: ask again
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(CliException.INTERNAL, "demo: " + failure + " within " + timeout.toSeconds()
                        + " s; the cluster did not converge");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(CliException.INTERNAL, "demo: interrupted");
            }
        }
    }

    /** Like {@link BooleanSupplier}, but may fail with I/O (reading the lab's state). */
    @FunctionalInterface
    interface Check {
        boolean holds() throws IOException;
    }

    /** A lab node by name: its namespace and underlay address. */
    static LabState.LabNode node(String name) {
        try {
            return Lab.node(name).orElseThrow(() -> new CliException(CliException.INTERNAL,
                    "demo: the lab has no node " + name));
        } catch (IOException e) {
            throw new CliException(CliException.INTERNAL, "demo: cannot read the lab's state: " + e.getMessage());
        }
    }
}
