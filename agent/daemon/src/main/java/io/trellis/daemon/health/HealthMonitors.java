package io.trellis.daemon.health;

import io.trellis.controlplane.store.HealthCheck;
import io.trellis.daemon.runtime.TaskRuntime;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Runs the health checks of this node's tasks, one {@link HealthMonitor} per task with a check, all on one
 * shared timer thread: a check's process is started, its output drained and its end or timeout handled there,
 * so many tasks cost no thread each.
 */
public final class HealthMonitors implements AutoCloseable {
    private final Exec exec;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor timer;

    /** Starts a command inside a running task, as {@link TaskRuntime#exec} does. */
    @FunctionalInterface
    public interface Exec {
        Process start(String taskId, List<String> argv) throws TaskRuntime.TaskStartException;
    }

    public HealthMonitors(Exec exec, Clock clock) {
        this.exec = exec;
        this.clock = clock;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "health-checks");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // stopped tasks leave nothing queued behind
    }

    /**
     * Checks {@code taskId}, started now, with {@code check} (enabled) until the monitor is closed or finds the
     * task unhealthy; {@code onChange} runs on the timer thread whenever the status or failing streak changes.
     */
    public HealthMonitor watch(String taskId, HealthCheck check, Runnable onChange) {
        HealthMonitor m = new HealthMonitor(taskId, check, exec, timer, clock, onChange);
        m.start();
        return m;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
