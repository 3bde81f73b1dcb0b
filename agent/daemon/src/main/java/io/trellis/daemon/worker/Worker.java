package io.trellis.daemon.worker;

import io.trellis.controlplane.store.HealthCheck;
import io.trellis.controlplane.store.HealthResult;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskHealth;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import io.trellis.daemon.health.HealthMonitor;
import io.trellis.daemon.health.HealthMonitors;
import io.trellis.daemon.runtime.RunningTask;
import io.trellis.daemon.runtime.TaskRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tasks assigned to this node (swarmkit {@code agent/worker}): starts what should run,
 * stops what should not, reports every change, and on start-up adopts tasks that survived an agent
 * crash. All task state is touched only by the worker thread; process exits arrive as events. A task
 * with a health check is starting until its first healthy result (and its {@link Readiness}); once
 * unhealthy it is stopped and reported failed, and the orchestrator replaces it.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    /** Swarm's default {@code --stop-grace-period}. */
    public static final Duration STOP_GRACE_DEFAULT = Duration.ofSeconds(10);
    private static final Duration TICK = Duration.ofSeconds(1);
    /** How much of the last check's output goes into a failed task's error. */
    static final int UNHEALTHY_OUTPUT_MAX = 200;

    private final String nodeId;
    private final TaskAssignments assignments;
    private final TaskRuntime runtime;
    private final StatusReporter reporter;
    private final Clock clock;
    private final Duration stopGrace;
    private final Readiness readiness;
    private final Map<String, Slot> running = new HashMap<>();
    /**
     * Tasks whose end this worker reported and the store may not show yet: neither started again nor reported
     * gone meanwhile, which would replace the report (the reporter keeps the newest per task).
     */
    private final Set<String> ended = new HashSet<>();
    private final ConcurrentLinkedQueue<Exit> exits = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Ready> readied = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<HealthChange> healthChanged = new ConcurrentLinkedQueue<>();
    private final HealthMonitors health;
    private final Semaphore wake = new Semaphore(0);
    private final Runnable listener = this::wakeUp;
    private final Thread thread;
    private volatile boolean active = true;

    private static final class Slot {
        final RunningTask task;
        boolean stopping;
        /** False for an adopted task until its networks are attached again. */
        boolean connected;
        /** Its health check, or null without one. */
        HealthMonitor monitor;
        /** What was last reported while it starts or runs, which health changes are added to. */
        TaskStatus reported;
        /** Why it failed while running (unhealthy), reported again when it exits. */
        TaskStatus failure;
        /** SIGTERM to SIGKILL for this task: its own {@code --stop-grace-period}, else the node's. */
        Duration grace;

        Slot(RunningTask task, Duration grace) {
            this.task = task;
            this.grace = grace;
        }
    }

    private record Exit(String taskId, int code) {
    }

    /** A task's health check changed its status or failing streak. */
    private record HealthChange(String taskId, Slot slot) {
    }

    public Worker(String nodeId, TaskAssignments assignments, TaskRuntime runtime, StatusReporter reporter, Clock clock,
                  Duration stopGrace) {
        this(nodeId, assignments, runtime, reporter, clock, stopGrace, Readiness.IMMEDIATE);
    }

    /** @param readiness when a started task is reported running (until then: starting) */
    public Worker(String nodeId, TaskAssignments assignments, TaskRuntime runtime, StatusReporter reporter, Clock clock,
                  Duration stopGrace, Readiness readiness) {
        this.readiness = readiness;
        this.nodeId = nodeId;
        this.assignments = assignments;
        this.runtime = runtime;
        this.reporter = reporter;
        this.clock = clock;
        this.stopGrace = stopGrace;
        this.health = new HealthMonitors(runtime::exec, clock);
        this.thread = new Thread(this::run, "worker");
        this.thread.setDaemon(true);
    }

    /** Adopts surviving tasks, then follows the assignments. */
    public Worker start() {
        for (String id : runtime.localTasks()) {
            runtime.adopt(id).ifPresentOrElse(rt -> {
                LOG.info("adopted task {} (pid {}) that survived an agent restart", id, rt.pid());
                track(id, rt).connected = false;
            }, () -> runtime.release(id));
        }
        assignments.addListener(listener);
        thread.start();
        return this;
    }

    /** Number of task processes this worker runs now. */
    public int runningCount() {
        return running.size();
    }

    private void wakeUp() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** A task's stop grace period: its service's when set, else this node's default. */
    private Duration graceOf(Task t) {
        long millis = t.container().stopGracePeriodMillis();
        return millis > 0 ? Duration.ofMillis(millis) : stopGrace;
    }

    private Slot track(String id, RunningTask rt) {
        Slot slot = new Slot(rt, stopGrace);
        slot.connected = true;
        running.put(id, slot);
        rt.exit().thenAccept(code -> {
            exits.add(new Exit(id, code));
            wakeUp();
        });
        return slot;
    }

    private void run() {
        while (active) {
            try {
                wake.tryAcquire(TICK.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                handleExits();
                handleHealth();
                handleReady();
                if (assignments.synced()) {
                    reconcile(assignments.tasks());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("worker round failed", e);
            }
        }
    }

    private void handleExits() {
        for (Exit e; (e = exits.poll()) != null; ) {
            Slot slot = running.remove(e.taskId());
            runtime.release(e.taskId());
            ended.add(e.taskId());
            long now = clock.millis();
            TaskStatus status;
            if (slot != null && slot.monitor != null) {
                slot.monitor.close();
            }
            if (slot != null && slot.failure != null) {
                status = slot.failure; // reported when it was found unhealthy: a shutdown must not replace it
            } else if (slot != null && slot.stopping) {
                status = TaskStatus.of(TaskState.SHUTDOWN, now, "shutdown");
            } else if (e.code() == 0) {
                status = TaskStatus.of(TaskState.COMPLETE, now, "finished");
            } else if (e.code() == RunningTask.EXIT_UNKNOWN) {
                status = TaskStatus.of(TaskState.FAILED, now, "failed")
                        .withError("task exited; status unknown (adopted after an agent restart)");
            } else {
                status = new TaskStatus(TaskState.FAILED, now, "failed", "task: non-zero exit (" + e.code() + ")",
                        e.code(), 0);
            }
            reporter.report(e.taskId(), status);
        }
    }

    /** A started task passed its readiness check: running, unless it was stopped or replaced meanwhile. */
    private record Ready(String taskId, Slot slot, String note, long pid) {
    }

    private void handleReady() {
        for (Ready r; (r = readied.poll()) != null; ) {
            Slot slot = r.slot();
            if (running.get(r.taskId()) == slot && !slot.stopping) {
                slot.reported = new TaskStatus(TaskState.RUNNING, clock.millis(),
                        r.note() == null ? "started" : "started; " + r.note(), "", -1, r.pid(), health(slot));
                reporter.report(r.taskId(), slot.reported);
            }
        }
    }

    /** Health changes go out with the state last reported; an unhealthy task is stopped and reported failed. */
    private void handleHealth() {
        for (HealthChange c; (c = healthChanged.poll()) != null; ) {
            Slot slot = c.slot();
            if (running.get(c.taskId()) != slot || slot.stopping || slot.reported == null) {
                continue;
            }
            TaskHealth h = health(slot);
            if (h.status() == TaskHealth.Status.UNHEALTHY) {
                slot.failure = new TaskStatus(TaskState.FAILED, clock.millis(), "failed", unhealthyError(h), -1, 0, h);
                LOG.warn("task {} is unhealthy, stopping it: {}", c.taskId(), slot.failure.error());
                reporter.report(c.taskId(), slot.failure);
                stop(c.taskId(), slot);
            } else {
                slot.reported = slot.reported.withHealth(h);
                reporter.report(c.taskId(), slot.reported);
            }
        }
    }

    private static TaskHealth health(Slot slot) {
        return slot.monitor == null ? TaskHealth.NONE : slot.monitor.current();
    }

    /** Swarm's "unhealthy container", with the last check's output on one line so {@code service ps} shows why. */
    static String unhealthyError(TaskHealth h) {
        if (h.log().isEmpty()) {
            return "unhealthy container";
        }
        HealthResult last = h.log().get(h.log().size() - 1);
        String output = last.output().replaceAll("\\s+", " ").strip();
        if (output.isEmpty()) {
            output = "exit code " + last.exitCode();
        } else if (output.length() > UNHEALTHY_OUTPUT_MAX) {
            output = output.substring(0, UNHEALTHY_OUTPUT_MAX - 1) + "…";
        }
        return "unhealthy container: " + output;
    }

    private HealthMonitor watch(Task t, Slot slot) {
        HealthCheck check = t.container().healthCheck();
        if (!check.enabled()) {
            return null;
        }
        return health.watch(t.id(), check, () -> {
            healthChanged.add(new HealthChange(t.id(), slot));
            wakeUp();
        });
    }

    private void reconcile(java.util.Collection<Task> tasks) {
        Set<String> mine = new HashSet<>();
        long now = clock.millis();
        for (Task t : tasks) {
            mine.add(t.id());
            Slot slot = running.get(t.id());
            TaskState current = t.status().state();
            if (slot == null && ended.contains(t.id())) {
                continue;
            }
            if (t.desiredState() == TaskState.RUNNING) {
                if (slot == null && current.compareTo(TaskState.RUNNING) < 0) {
                    start(t, now);
                } else if (slot != null && !slot.connected && !slot.stopping) {
                    reconnect(t, slot);
                } else if (slot == null && current == TaskState.RUNNING) {
                    reporter.report(t.id(), TaskStatus.of(TaskState.FAILED, now, "failed")
                            .withError("task process was gone when the agent restarted"));
                }
            } else if (slot != null && !slot.stopping) {
                slot.grace = graceOf(t); // an adopted task learns its own grace here
                stop(t.id(), slot);
            } else if (slot == null && !current.isTerminal()) {
                reporter.report(t.id(), TaskStatus.of(TaskState.SHUTDOWN, now, "shutdown"));
            }
        }
        ended.retainAll(mine);
        for (Map.Entry<String, Slot> e : running.entrySet()) {
            if (!mine.contains(e.getKey()) && !e.getValue().stopping) {
                stop(e.getKey(), e.getValue()); // deleted from the store, or moved away
            }
        }
        for (String id : runtime.localTasks()) {
            if (!mine.contains(id) && !running.containsKey(id)) {
                runtime.remove(id);
            }
        }
    }

    private void start(Task t, long now) {
        try {
            RunningTask rt = runtime.start(t);
            Slot slot = track(t.id(), rt);
            slot.grace = graceOf(t);
            CompletableFuture<String> ready = readiness.await(t);
            slot.monitor = watch(t, slot);
            if (slot.monitor != null) {
                ready = ready.thenCombine(slot.monitor.healthy(), (note, healthy) -> note);
            }
            if (!ready.isDone()) {
                slot.reported = new TaskStatus(TaskState.STARTING, now,
                        slot.monitor == null ? "starting" : "starting: waiting for health check", "", -1, rt.pid(),
                        health(slot));
                reporter.report(t.id(), slot.reported);
            }
            ready.thenAccept(note -> {
                readied.add(new Ready(t.id(), slot, note, rt.pid()));
                wakeUp();
            });
            LOG.info("started task {} ({}) pid {}", t.name(), t.id(), rt.pid());
        } catch (TaskRuntime.TaskStartException e) {
            LOG.warn("task {} could not start: {}", t.name(), e.getMessage());
            reporter.report(t.id(), TaskStatus.of(TaskState.REJECTED, now, "rejected").withError(e.getMessage()));
        }
    }

    private void reconnect(Task t, Slot slot) {
        slot.grace = graceOf(t);
        try {
            runtime.reconnect(t);
            slot.connected = true;
            if (slot.monitor == null && t.status().state() == TaskState.RUNNING) {
                slot.reported = t.status(); // adopted: its checks start again from now
                slot.monitor = watch(t, slot);
            }
            LOG.info("task {} ({}) reconnected to its networks", t.name(), t.id());
        } catch (TaskRuntime.TaskStartException e) {
            LOG.warn("task {} could not be reconnected: {}; retrying", t.name(), e.getMessage());
        }
    }

    private void stop(String id, Slot slot) {
        slot.stopping = true;
        if (slot.monitor != null) {
            slot.monitor.close();
        }
        slot.task.stop(slot.grace);
    }

    /**
     * Stops following the store, then stops every task process (like dockerd without live-restore),
     * waiting up to the grace period. After a crash instead, the processes survive and are adopted.
     */
    @Override
    public void close() {
        active = false;
        assignments.removeListener(listener);
        thread.interrupt();
        try {
            thread.join(2000);
            for (Slot slot : running.values()) {
                if (slot.monitor != null) {
                    slot.monitor.close();
                }
            }
            health.close();
            Duration longest = stopGrace;
            for (Slot slot : running.values()) {
                slot.task.stop(slot.grace);
                longest = slot.grace.compareTo(longest) > 0 ? slot.grace : longest;
            }
            long deadline = System.nanoTime() + longest.toNanos() + 1_000_000_000L;
            for (Map.Entry<String, Slot> e : running.entrySet()) {
                long left = Math.max(0, deadline - System.nanoTime());
                try {
                    e.getValue().task.exit().get(left, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
                    LOG.warn("task {} did not stop in time", e.getKey());
                }
                runtime.release(e.getKey());
            }
            running.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
