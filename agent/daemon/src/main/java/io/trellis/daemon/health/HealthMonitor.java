package io.trellis.daemon.health;

import io.trellis.controlplane.api.DockerDuration;
import io.trellis.controlplane.store.HealthCheck;
import io.trellis.controlplane.store.HealthResult;
import io.trellis.controlplane.store.TaskHealth;
import io.trellis.daemon.runtime.TaskRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One task's health check, as Docker's health monitor: the command runs inside the task every interval (one at a
 * time), a run longer than the timeout is killed and fails, {@code retries} failures in a row make the task
 * unhealthy, failures during the start period do not count until it has been healthy once. Keeps the last
 * {@value TaskHealth#LOG_SIZE} results with at most {@value #OUTPUT_LIMIT} bytes of output each. Stops by
 * itself once unhealthy: the worker then stops the task.
 */
public final class HealthMonitor implements AutoCloseable {
    /** Docker's limit on the output kept per result. */
    static final int OUTPUT_LIMIT = 4096;
    /** How often a running check's output is drained, so a chatty check never blocks on a full pipe. */
    private static final long DRAIN_MILLIS = 20;

    private final String taskId;
    private final HealthCheck check;
    private final HealthMonitors.Exec exec;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Runnable onChange;
    private final long startedAt;
    private final CompletableFuture<Void> healthy = new CompletableFuture<>();
    private final ArrayDeque<HealthResult> log = new ArrayDeque<>(TaskHealth.LOG_SIZE);
    private TaskHealth.Status status = TaskHealth.Status.STARTING;
    private int streak;
    private volatile TaskHealth current = new TaskHealth(TaskHealth.Status.STARTING, 0, List.of());
    private boolean closed;
    private ScheduledFuture<?> next;
    private Probe probe;

    HealthMonitor(String taskId, HealthCheck check, HealthMonitors.Exec exec, ScheduledExecutorService timer,
                  Clock clock, Runnable onChange) {
        this.taskId = taskId;
        this.check = check;
        this.exec = exec;
        this.timer = timer;
        this.clock = clock;
        this.onChange = onChange;
        this.startedAt = clock.millis();
    }

    /** The status, failing streak and last results now. */
    public TaskHealth current() {
        return current;
    }

    /** Completes with the first healthy result; never if the task becomes unhealthy first or is stopped. */
    public CompletableFuture<Void> healthy() {
        return healthy;
    }

    synchronized void start() {
        scheduleNext();
    }

    /** The command as the task runs it: {@code CMD-SHELL} through {@code /bin/sh -c}, {@code CMD} as it is. */
    static List<String> argv(HealthCheck check) {
        List<String> test = check.test();
        return "CMD-SHELL".equals(test.get(0)) ? List.of("/bin/sh", "-c", String.join(" ", test.subList(1, test.size())))
                : test.subList(1, test.size());
    }

    private void scheduleNext() {
        try {
            next = timer.schedule(this::runCheck, check.intervalMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            closed = true; // the node is shutting down
        }
    }

    private void runCheck() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        long start = clock.millis();
        Process p;
        try {
            p = exec.start(taskId, argv(check));
        } catch (TaskRuntime.TaskStartException | RuntimeException e) {
            record(new HealthResult(start, clock.millis(), -1, e.getMessage()));
            return;
        }
        Probe running = new Probe(p, start);
        synchronized (this) {
            if (closed) {
                running.kill();
                return;
            }
            probe = running;
            running.drainer = timer.scheduleWithFixedDelay(running::drain, DRAIN_MILLIS, DRAIN_MILLIS,
                    TimeUnit.MILLISECONDS);
            running.deadline = timer.schedule(() -> finish(running, true), check.timeoutMillis(),
                    TimeUnit.MILLISECONDS);
        }
        p.onExit().thenRun(() -> {
            try {
                timer.execute(() -> finish(running, false));
            } catch (RejectedExecutionException e) {
                running.kill();
            }
        });
    }

    /** The probe ended or timed out, whichever came first; the other is then ignored. */
    private void finish(Probe done, boolean timedOut) {
        synchronized (this) {
            if (probe != done) {
                return;
            }
            probe = null;
        }
        done.cancelTimers();
        HealthResult result;
        if (timedOut) {
            done.kill();
            result = new HealthResult(done.start, clock.millis(), -1,
                    "health check exceeded timeout (" + DockerDuration.format(check.timeoutMillis()) + ")");
        } else {
            done.drain();
            result = new HealthResult(done.start, clock.millis(), done.process.exitValue(), done.output());
        }
        done.closeStreams();
        record(result);
    }

    private void record(HealthResult r) {
        boolean changed;
        TaskHealth.Status now;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (log.size() == TaskHealth.LOG_SIZE) {
                log.removeFirst();
            }
            log.addLast(r);
            TaskHealth.Status before = status;
            int streakBefore = streak;
            if (r.passed()) {
                streak = 0;
                status = TaskHealth.Status.HEALTHY;
            } else if (status != TaskHealth.Status.STARTING || r.start() - startedAt >= check.startPeriodMillis()) {
                streak++;
                if (streak >= check.retries()) {
                    status = TaskHealth.Status.UNHEALTHY;
                }
            }
            current = new TaskHealth(status, streak, List.copyOf(log));
            changed = before != status || streakBefore != streak;
            now = status;
            if (status != TaskHealth.Status.UNHEALTHY) {
                scheduleNext();
            }
        }
        if (changed) {
            onChange.run();
        }
        if (now == TaskHealth.Status.HEALTHY) {
            healthy.complete(null);
        }
    }

    /** Stops checking; a check running now is killed. */
    @Override
    public void close() {
        Probe running;
        synchronized (this) {
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
            running = probe;
            probe = null;
        }
        if (running != null) {
            running.cancelTimers();
            running.kill();
            running.closeStreams();
        }
    }

    /** One run of the check: its process, its output so far (bounded), its drain and timeout timers. */
    private static final class Probe {
        final Process process;
        final long start;
        final byte[] output = new byte[OUTPUT_LIMIT];
        final byte[] scratch = new byte[1024];
        int length;
        ScheduledFuture<?> drainer;
        ScheduledFuture<?> deadline;

        Probe(Process process, long start) {
            this.process = process;
            this.start = start;
            try {
                process.getOutputStream().close(); // the check reads nothing
            } catch (IOException e) {
                // nothing was going to be written anyway
            }
        }

        /** Reads what is there without blocking; beyond the limit it is read and dropped. */
        synchronized void drain() {
            drain(process.getInputStream());
            drain(process.getErrorStream());
        }

        private void drain(InputStream in) {
            try {
                for (int n = in.available(); n > 0; n = in.available()) {
                    int read = in.read(scratch, 0, Math.min(n, scratch.length));
                    if (read <= 0) {
                        return;
                    }
                    int keep = Math.min(read, OUTPUT_LIMIT - length);
                    System.arraycopy(scratch, 0, output, length, keep);
                    length += keep;
                }
            } catch (IOException e) {
                // closed: the check is over
            }
        }

        synchronized String output() {
            return new String(output, 0, length, StandardCharsets.UTF_8);
        }

        void cancelTimers() {
            if (drainer != null) {
                drainer.cancel(false);
            }
            if (deadline != null) {
                deadline.cancel(false);
            }
        }

        /** The check and everything it started: a shell's children would otherwise outlive it. */
        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        void closeStreams() {
            try {
                process.getInputStream().close();
                process.getErrorStream().close();
            } catch (IOException e) {
                // nothing left to read
            }
        }
    }
}
