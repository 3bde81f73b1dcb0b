package io.trellis.process;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a command that runs until it is stopped (the agent, a workload, the tunnel) waits for its end:
 * on SIGTERM or SIGINT the command's stop action runs once and {@link #await} returns, so the
 * command exits with its own code (0: stopped cleanly; scripts and supervisors read that) rather
 * than the JVM's 143 or 130. {@link #install} comes before any slow start-up, so a signal during it
 * stops the command too.
 *
 * <p>Should the JVM end another way (SIGHUP, {@code System.exit} elsewhere), a shutdown hook runs the
 * same action, but waits for it only {@code hookLimit}: a stop that cannot finish (it waits on the
 * very thread that called {@code System.exit}) must not leave a process that lives on with its
 * sockets closed.
 */
public final class StopSignals {
    private static final String[] SIGNALS = {"TERM", "INT"};

    private final Runnable stop;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook;

    private StopSignals(Runnable stop, Duration hookLimit) {
        this.stop = stop;
        this.hook = new Thread(() -> {
            Thread running = new Thread(this::stopOnce, "stop-at-exit");
            running.setDaemon(true);
            running.start();
            try {
                stopped.await(hookLimit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown");
    }

    /** From now on SIGTERM and SIGINT run {@code stop} (once); {@link #await} waits for that. */
    public static StopSignals install(Runnable stop, Duration hookLimit) {
        StopSignals signals = new StopSignals(stop, hookLimit);
        for (String name : SIGNALS) {
            // Not on the signal dispatcher thread: stop may take seconds, and a second Ctrl-C must be seen.
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> new Thread(signals::stopOnce, "stop").start());
        }
        Runtime.getRuntime().addShutdownHook(signals.hook);
        return signals;
    }

    /** Blocks until SIGTERM or SIGINT, then returns once the stop action is done. */
    public void await() throws InterruptedException {
        stopped.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it finds the stop done
        }
    }

    private void stopOnce() {
        if (started.compareAndSet(false, true)) {
            try {
                stop.run();
            } finally {
                stopped.countDown();
            }
        }
    }
}
