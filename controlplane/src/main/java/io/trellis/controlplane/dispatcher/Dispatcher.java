package io.trellis.controlplane.dispatcher;

import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.CommitListener;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's side of node sessions (swarmkit {@code dispatcher}): heartbeats keep a node Ready,
 * three missed periods make it Down (its tasks are then rescheduled by the control loops);
 * assignments are pushed as long-poll answers carrying only what changed since the session's last
 * answer; task status comes back in batches. Followers do not dispatch: callers redirect to the
 * leader ({@link NotLeaderException}).
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Swarm's default {@code --dispatcher-heartbeat}. */
    public static final Duration PERIOD_DEFAULT = Duration.ofSeconds(5);
    public static final int MISSED_HEARTBEATS_DOWN = 3;
    private static final Duration SESSION_IDLE_MAX = Duration.ofMinutes(2);
    private static final Duration NEW_LEADER_GRACE = Duration.ofSeconds(2);

    private final ClusterStore store;
    private final StoreWriter writer;
    private final BooleanSupplier leading;
    private final Clock clock;
    private final Duration period;
    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Object changed = new Object();
    /** Commits seen, guarded by {@link #changed}: a long poll waits only if none came since it looked. */
    private long commits;
    private final CommitListener listener = (before, after) -> {
        synchronized (changed) {
            commits++;
            changed.notifyAll();
        }
    };
    private final Thread monitor;
    private volatile EndpointMaps maps = EndpointMaps.EMPTY;
    private volatile boolean running = true;
    /** Whether this node led at the previous {@link #sweep}; only the sweeping thread touches it. */
    private boolean wasLeading;

    /** What one node's session was last told. */
    private static final class Session {
        final String nodeId;
        final Map<String, Task> sent = new HashMap<>();
        final Map<String, EndpointMaps.NetworkMap> sentNetworks = new HashMap<>();
        final Set<String> sentSecrets = new HashSet<>();
        volatile long lastUsed;

        Session(String nodeId, long now) {
            this.nodeId = nodeId;
            this.lastUsed = now;
        }
    }

    /** The request must go to the leader; the message names it when known. */
    public static final class NotLeaderException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NotLeaderException(String message) {
            super(message);
        }
    }

    public Dispatcher(ClusterStore store, StoreWriter writer, BooleanSupplier leading, Duration period, Clock clock) {
        this.store = store;
        this.writer = writer;
        this.leading = leading;
        this.period = period;
        this.clock = clock;
        this.monitor = new Thread(this::watchNodes, "dispatcher-monitor");
        this.monitor.setDaemon(true);
    }

    public Dispatcher start() {
        listenForCommits();
        monitor.start();
        return this;
    }

    /** Wakes long polls on every commit; {@link #start} does this, tests that drive {@link #sweep} call it alone. */
    void listenForCommits() {
        store.addListener(listener);
    }

    public Duration period() {
        return period;
    }

    /** A heartbeat from {@code nodeId}: it is alive; a node that was not Ready becomes Ready. */
    public ClusterMessages.HeartbeatResponse heartbeat(String nodeId) {
        return heartbeat(nodeId, null);
    }

    /**
     * As {@link #heartbeat(String)}, with the task runtimes the node can use now (null: not said); a change is
     * recorded, so the scheduler stops placing Docker tasks on a node whose Engine went away, and resumes.
     */
    public ClusterMessages.HeartbeatResponse heartbeat(String nodeId, List<String> runtimes) {
        requireLeader();
        Node node = requireNode(nodeId);
        lastSeen.put(nodeId, clock.millis());
        if (node.status() != Node.Status.READY) {
            submit(StoreBatch.of(new StoreOp.SetNodeStatus(nodeId, Node.Status.READY, clock.millis())));
            LOG.info("node {} ({}) is ready", node.hostname(), nodeId);
        }
        if (runtimes != null && !runtimes.equals(node.runtimes())) {
            submit(StoreBatch.of(new StoreOp.SetNodeRuntimes(nodeId, runtimes)));
            LOG.info("node {} ({}) runs tasks with {}", node.hostname(), nodeId, String.join(", ", runtimes));
        }
        return new ClusterMessages.HeartbeatResponse(period.toMillis(), managers(store.view()),
                node.role().name().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Waits up to {@code wait} for the tasks assigned to {@code nodeId} to differ from what the
     * session was last sent, and answers with the difference (everything for a new session).
     */
    public ClusterMessages.Assignments assignments(String nodeId, String sessionId, Duration wait)
            throws InterruptedException {
        requireLeader();
        requireNode(nodeId);
        long now = clock.millis();
        Session session = sessionId == null ? null : sessions.get(sessionId);
        boolean full = session == null || !session.nodeId.equals(nodeId);
        if (full) {
            sessionId = UUID.randomUUID().toString();
            session = new Session(nodeId, now);
            sessions.put(sessionId, session);
        }
        session.lastUsed = now;
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (session) {
            while (true) {
                long seen;
                synchronized (changed) {
                    seen = commits;
                }
                ClusterSnapshot view = store.view();
                Map<String, Task> current = new HashMap<>();
                for (Task t : view.tasksOnNode(nodeId)) {
                    current.put(t.id(), t);
                }
                List<Task> changedTasks = new ArrayList<>();
                for (Task t : current.values()) {
                    if (!t.equals(session.sent.get(t.id()))) {
                        changedTasks.add(t);
                    }
                }
                List<String> removed = session.sent.keySet().stream().filter(id -> !current.containsKey(id)).toList();
                Map<String, EndpointMaps.NetworkMap> networks = endpointMaps().forNode(nodeId);
                NetworkDiff diff = NetworkDiff.between(full ? Map.of() : session.sentNetworks, networks);
                Set<String> secrets = SecretScope.neededBy(view, nodeId);
                Set<String> sentSecrets = full ? Set.of() : session.sentSecrets;
                Map<String, String> secretValues = SecretScope.values(view, secrets, sentSecrets);
                List<String> removedSecrets = SecretScope.removed(sentSecrets, secrets);
                long left = deadline - System.nanoTime();
                if (full || !changedTasks.isEmpty() || !removed.isEmpty() || !diff.isEmpty()
                        || !secretValues.isEmpty() || !removedSecrets.isEmpty() || left <= 0
                        || !leading.getAsBoolean()) {
                    session.sent.clear();
                    session.sent.putAll(current);
                    session.sentNetworks.clear();
                    session.sentNetworks.putAll(networks);
                    session.sentSecrets.clear();
                    session.sentSecrets.addAll(secrets);
                    changedTasks.sort(Comparator.comparing(Task::id));
                    return new ClusterMessages.Assignments(sessionId, full, changedTasks, removed, diff.changes,
                            diff.removed, secretValues, removedSecrets);
                }
                synchronized (changed) {
                    if (commits == seen) {
                        changed.wait(Math.max(1, Math.min(left / 1_000_000, 1_000)));
                    }
                }
            }
        }
    }

    /** The endpoint maps of the current snapshot, built once per commit whichever session asks first. */
    private EndpointMaps endpointMaps() {
        ClusterSnapshot view = store.view();
        EndpointMaps maps = this.maps;
        if (maps.index() != view.index()) {
            maps = EndpointMaps.of(view);
            this.maps = maps;
        }
        return maps;
    }

    /** Records task status from {@code nodeId}; statuses for tasks not assigned to it are ignored. */
    public int report(String nodeId, Map<String, TaskStatus> statuses) {
        requireLeader();
        requireNode(nodeId);
        ClusterSnapshot view = store.view();
        List<StoreOp> ops = new ArrayList<>();
        statuses.forEach((taskId, status) -> {
            Task t = view.tasks().get(taskId);
            if (t != null && nodeId.equals(t.nodeId())) {
                ops.add(new StoreOp.ReportTaskStatus(taskId, status));
            }
        });
        if (!ops.isEmpty()) {
            submit(new StoreBatch(ops));
        }
        return statuses.size() - ops.size();
    }

    /** Cluster addresses of the managers, for redirects and a node's fail-over list. */
    public static List<String> managers(ClusterSnapshot view) {
        return view.nodes().values().stream()
                .filter(n -> n.role() == Node.Role.MANAGER && n.managerAddr() != null)
                .sorted(Comparator.comparing(Node::id))
                .map(Node::managerAddr)
                .toList();
    }

    private void requireLeader() {
        if (!leading.getAsBoolean()) {
            throw new NotLeaderException("this manager is not the leader");
        }
    }

    private Node requireNode(String nodeId) {
        Node n = store.view().nodes().get(nodeId);
        if (n == null) {
            throw new IllegalArgumentException("node " + nodeId + " is not part of this swarm (removed?)");
        }
        return n;
    }

    private void submit(StoreBatch batch) {
        var reply = writer.submit(batch);
        if (!reply.ok()) {
            LOG.warn("dispatcher write refused: {}", reply.error());
        }
    }

    /** The monitor thread: a {@link #sweep} every quarter period, so a node goes Down close to its third missed beat. */
    private void watchNodes() {
        while (running) {
            try {
                Thread.sleep(Math.max(50, period.toMillis() / 4));
                sweep();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("node monitor round failed: {}", e.getMessage());
            }
        }
    }

    /**
     * One monitor round, leader only: a Ready node silent for more than three periods becomes Down,
     * and so does a node that joined but never sent a heartbeat (Unknown), counted from when this
     * leader first saw it,
     * and sessions idle for two minutes are forgotten. A new leader first gives every node a full
     * grace period, since it has not heard any heartbeat yet. Called by one thread at a time.
     */
    void sweep() {
        boolean lead = leading.getAsBoolean();
        long now = clock.millis();
        if (lead && !wasLeading) {
            // Sessions need a moment to find the new leader: grace beyond the usual 3 periods.
            lastSeen.clear();
            store.view().nodes().keySet().forEach(id -> lastSeen.put(id, now + NEW_LEADER_GRACE.toMillis()));
        }
        wasLeading = lead;
        if (!lead) {
            return;
        }
        long limit = MISSED_HEARTBEATS_DOWN * period.toMillis();
        List<StoreOp> ops = new ArrayList<>();
        for (Node n : store.view().nodes().values()) {
            long seen = lastSeen.computeIfAbsent(n.id(), id -> now);
            boolean expected = n.status() == Node.Status.READY || n.status() == Node.Status.UNKNOWN;
            if (expected && now - seen > limit) {
                LOG.warn("node {} ({}) missed {} heartbeats{}: marking it down", n.hostname(), n.id(),
                        MISSED_HEARTBEATS_DOWN, n.status() == Node.Status.UNKNOWN ? " since it joined" : "");
                ops.add(new StoreOp.SetNodeStatus(n.id(), Node.Status.DOWN, now));
            }
        }
        if (!ops.isEmpty()) {
            submit(new StoreBatch(ops));
        }
        sessions.values().removeIf(s -> now - s.lastUsed > SESSION_IDLE_MAX.toMillis());
    }

    @Override
    public void close() {
        running = false;
        store.removeListener(listener);
        monitor.interrupt();
        synchronized (changed) {
            changed.notifyAll();
        }
    }
}
