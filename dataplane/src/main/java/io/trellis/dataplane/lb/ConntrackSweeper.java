package io.trellis.dataplane.lb;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Frees a {@link Conntrack}'s expired entries every {@link ConntrackSettings#sweepInterval}: on a
 * daemon thread of its own ({@link #start}), or as a task of the caller's scheduler
 * ({@link #schedule}). Lookups already ignore expired entries; sweeping returns their room to the
 * table and keeps the statistics current.
 */
public final class ConntrackSweeper implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    private ConntrackSweeper(Conntrack conntrack, Duration interval) {
        long nanos = interval.toNanos();
        this.thread = new Thread(() -> {
            while (running) {
                LockSupport.parkNanos(nanos);
                if (running) {
                    conntrack.sweep();
                }
            }
        }, "conntrack-sweeper");
        thread.setDaemon(true);
    }

    /** Starts a daemon thread that sweeps {@code conntrack} every {@code interval}. */
    public static ConntrackSweeper start(Conntrack conntrack, Duration interval) {
        ConntrackSweeper s = new ConntrackSweeper(conntrack, interval);
        s.thread.start();
        return s;
    }

    /** Sweeps {@code conntrack} every {@code interval} on {@code scheduler}; cancel the future to stop. */
    public static ScheduledFuture<?> schedule(Conntrack conntrack, ScheduledExecutorService scheduler, Duration interval) {
        long nanos = interval.toNanos();
        return scheduler.scheduleWithFixedDelay(conntrack::sweep, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Stops the thread and waits for it (a sweep in progress finishes first). */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
