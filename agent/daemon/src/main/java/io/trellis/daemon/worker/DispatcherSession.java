package io.trellis.daemon.worker;

import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskStatus;
import io.trellis.daemon.cluster.ClusterClient;
import io.trellis.daemon.cluster.ClusterException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's session with the managers (swarmkit {@code agent/session}): heartbeats at the period
 * the leader asks for, a long poll that receives assignment changes as they happen, and task status
 * sent back in batches. Talks to the leader; a follower's redirect or an unreachable manager moves
 * it to the next manager it knows, without user action. While no manager answers, the tasks keep
 * running as last assigned.
 */
public final class DispatcherSession implements TaskAssignments, StatusSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DispatcherSession.class);
    private static final Duration POLL_WAIT = Duration.ofSeconds(15);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final long RETRY_MILLIS_MIN = 100;
    private static final long RETRY_MILLIS_MAX = 1_000;

    private final ClusterClient client;
    private volatile List<String> managers;
    private volatile String target;
    private volatile long periodMillis;
    private volatile boolean synced;
    private volatile boolean running = true;
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Consumer<ClusterMessages.Assignments> networks = a -> { };
    private volatile Consumer<ClusterMessages.Assignments> secrets = a -> { };
    private volatile Supplier<List<String>> runtimes = () -> null;
    private final BiConsumer<String, ClusterMessages.HeartbeatResponse> onHeartbeat;
    private final Thread poller;
    private final Thread heart;
    private String session;

    /**
     * @param managers    cluster addresses to try, in order
     * @param period      heartbeat period until the leader says otherwise
     * @param onHeartbeat sees every heartbeat answer (manager list, role) on the heartbeat thread, with
     *                    the address of the manager that gave it
     */
    public DispatcherSession(ClusterClient client, List<String> managers, Duration period,
                          BiConsumer<String, ClusterMessages.HeartbeatResponse> onHeartbeat) {
        if (managers.isEmpty()) {
            throw new IllegalArgumentException("a session needs at least one manager address");
        }
        this.client = client;
        this.managers = List.copyOf(managers);
        this.target = managers.get(0);
        this.periodMillis = period.toMillis();
        this.onHeartbeat = onHeartbeat;
        this.poller = new Thread(this::poll, "session-assignments");
        this.heart = new Thread(this::beat, "session-heartbeat");
        poller.setDaemon(true);
        heart.setDaemon(true);
    }

    /**
     * Who gets the network part of each answer (the node's overlay), on the polling thread, before
     * the task listeners hear of the same answer: a task's networks are programmed before it starts.
     */
    public DispatcherSession onNetworks(Consumer<ClusterMessages.Assignments> sink) {
        this.networks = sink;
        return this;
    }

    /** Who keeps the secret values of each answer; called before the task listeners, as {@link #onNetworks}. */
    public DispatcherSession onSecrets(Consumer<ClusterMessages.Assignments> sink) {
        this.secrets = sink;
        return this;
    }

    /** What each heartbeat says the node can run tasks with, asked on the heartbeat thread before each beat. */
    public DispatcherSession onRuntimes(Supplier<List<String>> available) {
        this.runtimes = available;
        return this;
    }

    public DispatcherSession start() {
        heart.start();
        poller.start();
        return this;
    }

    /** The manager this session currently talks to. */
    public String target() {
        return target;
    }

    @Override
    public Collection<Task> tasks() {
        return List.copyOf(tasks.values());
    }

    @Override
    public boolean synced() {
        return synced;
    }

    @Override
    public void addListener(Runnable onChange) {
        listeners.add(onChange);
    }

    @Override
    public void removeListener(Runnable onChange) {
        listeners.remove(onChange);
    }

    @Override
    public void send(Map<String, TaskStatus> batch) throws ClusterException {
        String to = target;
        try {
            client.post(to, "/v1/status", new ClusterMessages.StatusReport(batch), Map.class, REQUEST_TIMEOUT);
        } catch (ClusterException e) {
            failedOn(to, e);
            throw e;
        }
    }

    private void poll() {
        long retry = RETRY_MILLIS_MIN;
        while (running) {
            String to = target;
            try {
                String path = "/v1/assignments?wait=" + POLL_WAIT.toMillis()
                        + (session == null ? "" : "&session=" + session);
                ClusterMessages.Assignments a = client.get(to, path, ClusterMessages.Assignments.class,
                        POLL_WAIT.plus(REQUEST_TIMEOUT));
                apply(a);
                retry = RETRY_MILLIS_MIN;
            } catch (ClusterException e) {
                session = null;
                failedOn(to, e);
                retry = pause(retry);
            } catch (RuntimeException e) {
                LOG.warn("assignment round failed: {}", e.toString());
                retry = pause(retry);
            }
        }
    }

    private void apply(ClusterMessages.Assignments a) {
        try {
            networks.accept(a);
        } catch (RuntimeException e) {
            LOG.warn("applying network maps failed: {}", e.toString());
        }
        secrets.accept(a);
        if (a.full()) {
            tasks.keySet().retainAll(a.tasks().stream().map(Task::id).toList());
        }
        a.removed().forEach(tasks::remove);
        a.tasks().forEach(t -> tasks.put(t.id(), t));
        session = a.session();
        boolean changed = a.full() || !a.tasks().isEmpty() || !a.removed().isEmpty();
        if (a.full() && !synced) {
            synced = true;
            LOG.info("session with manager {} established; {} task(s) assigned here", target, tasks.size());
        }
        if (changed) {
            listeners.forEach(Runnable::run);
        }
    }

    private void beat() {
        while (running) {
            String to = target;
            long sleep;
            try {
                ClusterMessages.HeartbeatResponse r = client.post(to, "/v1/heartbeat",
                        new ClusterMessages.HeartbeatRequest(runtimes.get()), ClusterMessages.HeartbeatResponse.class,
                        REQUEST_TIMEOUT);
                periodMillis = r.periodMillis();
                if (!r.managers().isEmpty()) {
                    managers = List.copyOf(r.managers());
                }
                onHeartbeat.accept(to, r);
                sleep = periodMillis;
            } catch (ClusterException e) {
                failedOn(to, e);
                sleep = Math.min(periodMillis, RETRY_MILLIS_MAX) / 2;
            } catch (RuntimeException e) {
                LOG.warn("heartbeat round failed: {}", e.toString());
                sleep = periodMillis;
            }
            try {
                Thread.sleep(Math.max(10, sleep));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Follows a redirect to the leader, or moves on to the next manager. */
    private synchronized void failedOn(String to, ClusterException e) {
        if (!to.equals(target)) {
            return; // another thread already moved on
        }
        if (e.status() == ClusterException.NOT_LEADER && e.leader() != null && !e.leader().equals(to)) {
            LOG.info("manager {} is not the leader; following it to {}", to, e.leader());
            target = e.leader();
            return;
        }
        List<String> known = managers;
        int at = known.indexOf(to);
        String next = known.get((at + 1) % known.size());
        if (!next.equals(to)) {
            LOG.warn("manager {} failed ({}); trying {}", to, e.getMessage(), next);
        } else {
            LOG.debug("manager {} failed: {}", to, e.getMessage());
        }
        target = next;
    }

    private long pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Math.min(millis * 2, RETRY_MILLIS_MAX);
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
        heart.interrupt();
    }
}
