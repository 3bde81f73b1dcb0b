package io.trellis.perf.cluster;

import io.trellis.api.NodeView;
import io.trellis.api.TaskView;
import io.trellis.testing.agent.AgentProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * kill -9 of a worker's agent that runs a replica; per round, the time from the kill to (a) the
 * leader's {@code node ls} showing the worker Down (3 missed heartbeats) and (b) {@code service ps}
 * showing every replica Running on the other nodes again. The killed agent's task process lives on
 * (as after a real agent crash) until the agent is restarted and adopts or stops it.
 */
final class TaskReschedule {
    static final String SERVICE = "resched";
    private static final List<String> COMMAND = List.of("sleep", "600");
    private static final long POLL_MILLIS = 20;
    private static final long CONVERGE_SECONDS = 90;
    /** After Down, how long a replacement may take before the round says "not observed". */
    private static final long REPLACE_GRACE_SECONDS = 20;

    private TaskReschedule() {
    }

    static String run(LocalCluster cluster, Duration heartbeat, int replicas, int rounds)
            throws IOException, InterruptedException {
        AdminApi leader = new AdminApi(LeaderFailover.currentLeader(cluster).host);
        if (!leader.createService(SERVICE, replicas, COMMAND)) {
            throw new IOException("service create " + SERVICE + " was refused");
        }
        awaitRunning(leader, replicas, null);
        Spread toDown = new Spread();
        Spread toReplaced = new Spread();
        StringBuilder log = new StringBuilder();
        for (int round = 1; round <= rounds; round++) {
            AgentProcess victim = victim(cluster, leader, replicas);
            long killedAt = System.nanoTime();
            victim.kill();
            long bound = killedAt + heartbeat.multipliedBy(3).toNanos() + TimeUnit.SECONDS.toNanos(REPLACE_GRACE_SECONDS);
            long downAt = 0;
            long replacedAt = 0;
            while (System.nanoTime() < bound && (downAt == 0 || replacedAt == 0)) {
                long now = System.nanoTime();
                if (downAt == 0 && "Down".equals(status(leader, victim.hostname))) {
                    downAt = now;
                }
                if (replacedAt == 0 && runningElsewhere(leader, victim.hostname) >= replicas) {
                    replacedAt = now;
                }
                Pause.millis(POLL_MILLIS);
            }
            long downMs = downAt == 0 ? -1 : (downAt - killedAt) / 1_000_000;
            long replacedMs = replacedAt == 0 ? -1 : (replacedAt - killedAt) / 1_000_000;
            add(toDown, downMs);
            add(toReplaced, replacedMs);
            String line = String.format(Locale.ROOT, "heartbeat %s, round %d: killed %s; Down %s, all %d replicas "
                    + "Running elsewhere %s", text(heartbeat), round, victim.hostname, ms(downMs), replicas, ms(replacedMs));
            System.err.println("cluster-bench: reschedule " + line);
            log.append("- ").append(line).append('\n');
            victim.start(LocalCluster.ANSWER_TIMEOUT);
            awaitReady(leader, victim.hostname);
            awaitRunning(leader, replicas, null);
        }
        return log + String.format(Locale.ROOT, "%nheartbeat %s: kill -9 worker → node Down: %s%n"
                + "heartbeat %s: kill -9 worker → all replicas Running on other nodes: %s%n",
                text(heartbeat), toDown, text(heartbeat), toReplaced);
    }

    /**
     * A worker that runs a replica now. Replaced tasks stay where they went (no rebalancing, as in
     * Swarm), so after a few rounds no worker may have one: then the service is scaled to 0 and
     * back, which spreads it over every node again.
     */
    private static AgentProcess victim(LocalCluster cluster, AdminApi leader, int replicas) throws IOException {
        for (int attempt = 0; attempt < 2; attempt++) {
            List<TaskView> tasks = leader.tasks(SERVICE);
            for (AgentProcess w : cluster.workers()) {
                if (tasks.stream().anyMatch(t -> "Running".equals(t.state()) && t.node().equals(w.hostname))) {
                    return w;
                }
            }
            if (!leader.scale(SERVICE, 0)) {
                throw new IOException("service scale " + SERVICE + "=0 was refused");
            }
            awaitRunning(leader, 0, null);
            if (!leader.scale(SERVICE, replicas)) {
                throw new IOException("service scale " + SERVICE + "=" + replicas + " was refused");
            }
            awaitRunning(leader, replicas, null);
        }
        throw new IOException("no worker runs a replica of " + SERVICE + " even after scaling it to 0 and back");
    }

    static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static void add(Spread s, long ms) {
        if (ms < 0) {
            s.addMissing();
        } else {
            s.add(ms);
        }
    }

    private static String ms(long ms) {
        return ms < 0 ? "not observed" : "after " + ms + " ms";
    }

    private static String status(AdminApi api, String hostname) {
        try {
            return api.nodes().stream().filter(n -> n.hostname().equals(hostname)).map(NodeView::status)
                    .findFirst().orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Replicas desired Running and Running, on any node but {@code excluded}. */
    private static long runningElsewhere(AdminApi api, String excluded) {
        try {
            List<TaskView> tasks = api.tasks(SERVICE);
            return tasks.stream().filter(t -> "Running".equals(t.state()) && "Running".equals(t.desiredState())
                    && !t.node().equals(excluded)).count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static void awaitReady(AdminApi api, String hostname) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONVERGE_SECONDS);
        while (System.nanoTime() < deadline) {
            if ("Ready".equals(status(api, hostname))) {
                return;
            }
            Pause.millis(100);
        }
        throw new IOException(hostname + " was not Ready again within " + CONVERGE_SECONDS + " s of its restart");
    }

    private static void awaitRunning(AdminApi api, int replicas, String excluded) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONVERGE_SECONDS);
        while (System.nanoTime() < deadline) {
            if (runningElsewhere(api, excluded == null ? "\0" : excluded) == replicas) {
                return;
            }
            Pause.millis(100);
        }
        throw new IOException("service " + SERVICE + " did not have " + replicas + " replicas Running within "
                + CONVERGE_SECONDS + " s");
    }
}
