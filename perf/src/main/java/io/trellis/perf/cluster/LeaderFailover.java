package io.trellis.perf.cluster;

import io.trellis.api.NodeView;
import io.trellis.testing.agent.AgentProcess;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * kill -9 of the Raft leader's agent while clients write through the two other managers; per round,
 * the time from the kill to (a) the first write <em>submitted after the kill</em> that a survivor
 * acknowledges (a write acknowledged just after the kill but sent before it may have been committed
 * before it, so it does not count) and (b) a survivor's {@code node ls} naming a new Leader. Then the
 * killed manager is restarted and the group is whole again before the next round.
 */
final class LeaderFailover {
    private static final int WRITERS_PER_SURVIVOR = 2;
    /** Writes acknowledged through the survivors before the kill: the stream is flowing. */
    private static final long STEADY_WRITES = 20;
    private static final long OBSERVE_SECONDS = 30;
    private static final long REJOIN_SECONDS = 90;
    private static final long POLL_MILLIS = 10;

    private LeaderFailover() {
    }

    static String run(LocalCluster cluster, int rounds) throws IOException, InterruptedException {
        Spread toWrite = new Spread();
        Spread toLeader = new Spread();
        StringBuilder log = new StringBuilder();
        for (int round = 1; round <= rounds; round++) {
            AgentProcess leader = currentLeader(cluster);
            List<AdminApi> survivors = cluster.managers().stream().filter(m -> m != leader)
                    .map(m -> new AdminApi(m.host)).toList();
            AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
            AtomicLong firstAck = new AtomicLong(Long.MAX_VALUE);
            long writeMs;
            long leaderMs;
            String newLeader;
            long refused;
            try (CreateStream writes = new CreateStream(survivors, WRITERS_PER_SURVIVOR * survivors.size(),
                    "failover-r" + round, OBSERVE_SECONDS + 60, submitted -> {
                        if (submitted >= killedAt.get()) {
                            firstAck.accumulateAndGet(System.nanoTime(), Math::min);
                        }
                    })) {
                writes.start();
                writes.measure();
                long steady = System.nanoTime() + TimeUnit.SECONDS.toNanos(OBSERVE_SECONDS);
                while (writes.acknowledged() < STEADY_WRITES && System.nanoTime() < steady) {
                    Pause.millis(POLL_MILLIS);
                }
                System.err.printf("cluster-bench: failover round %d: %d writes acknowledged before the kill%n", round,
                        writes.acknowledged());
                if (writes.acknowledged() < STEADY_WRITES) {
                    throw new IOException("round " + round + ": no write was acknowledged before the kill; last refusal: "
                            + writes.lastRefusal());
                }
                writes.measure();
                killedAt.set(System.nanoTime());
                leader.kill();
                long deadline = killedAt.get() + TimeUnit.SECONDS.toNanos(OBSERVE_SECONDS);
                Optional<String> seen = Optional.empty();
                long leaderAt = 0;
                while (System.nanoTime() < deadline && (seen.isEmpty() || firstAck.get() == Long.MAX_VALUE)) {
                    if (seen.isEmpty()) {
                        seen = newLeader(survivors, leader.hostname);
                        leaderAt = System.nanoTime();
                    }
                    Pause.millis(POLL_MILLIS);
                }
                newLeader = seen.orElse("none");
                writeMs = firstAck.get() == Long.MAX_VALUE ? -1 : (firstAck.get() - killedAt.get()) / 1_000_000;
                leaderMs = seen.isEmpty() ? -1 : (leaderAt - killedAt.get()) / 1_000_000;
                refused = writes.refused();
            }
            record(toWrite, writeMs);
            record(toLeader, leaderMs);
            String line = String.format(Locale.ROOT, "round %d: killed leader %s; first acknowledged write %s, "
                    + "node ls shows Leader %s %s; %d writes refused meanwhile", round, leader.hostname, ms(writeMs),
                    newLeader, ms(leaderMs), refused);
            System.err.println("cluster-bench: failover " + line);
            log.append("- ").append(line).append('\n');
            leader.start(LocalCluster.ANSWER_TIMEOUT);
            awaitWhole(cluster);
        }
        return log + String.format(Locale.ROOT, "%nkill -9 leader → first acknowledged write: %s%n"
                + "kill -9 leader → node ls shows a new Leader: %s%n", toWrite, toLeader);
    }

    private static void record(Spread s, long ms) {
        if (ms < 0) {
            s.addMissing();
        } else {
            s.add(ms);
        }
    }

    private static String ms(long ms) {
        return ms < 0 ? "not within " + OBSERVE_SECONDS + " s" : "after " + ms + " ms";
    }

    static AgentProcess currentLeader(LocalCluster cluster) throws IOException {
        for (AgentProcess m : cluster.managers()) {
            if (m.isAlive() && new AdminApi(m.host).info().leader()) {
                return m;
            }
        }
        throw new IOException("no manager says it leads");
    }

    private static Optional<String> newLeader(List<AdminApi> survivors, String old) {
        for (AdminApi s : survivors) {
            try {
                Optional<String> l = s.leaderHostname();
                if (l.isPresent() && !l.get().equals(old)) {
                    return l;
                }
            } catch (IOException | RuntimeException e) {
                // this survivor cannot answer right now; ask the other
            }
        }
        return Optional.empty();
    }

    /** Until the leader's node ls shows every manager as Leader or Reachable again. */
    static void awaitWhole(LocalCluster cluster) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REJOIN_SECONDS);
        while (System.nanoTime() < deadline) {
            try {
                List<NodeView> nodes = new AdminApi(currentLeader(cluster).host).nodes();
                long up = nodes.stream().filter(n -> "Leader".equals(n.managerStatus())
                        || "Reachable".equals(n.managerStatus())).count();
                if (up == cluster.managers().size()) {
                    Pause.millis(1_000); // let the restarted follower catch up before the next kill
                    return;
                }
            } catch (IOException | RuntimeException e) {
                // no leader yet
            }
            Pause.millis(100);
        }
        throw new IOException("the managers were not all Reachable again within " + REJOIN_SECONDS + " s");
    }
}
