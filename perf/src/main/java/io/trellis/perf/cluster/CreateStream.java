package io.trellis.perf.cluster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Clients writing through the admin API: {@code threads} threads, each creating services with
 * {@code replicas 0} (one Raft entry per request, nothing to schedule) one after the other through
 * the managers it is given, in turn. Every request that a manager answers 200 was committed by a
 * majority and applied on that manager. Runs until {@link #stop} or its own deadline.
 */
final class CreateStream implements AutoCloseable {
    private static final List<String> COMMAND = List.of("sleep", "300");
    /** After a refusal (no leader yet, store unavailable) a short pause, so a failing manager is not spun on. */
    private static final long RETRY_PAUSE_MILLIS = 5;

    private final List<AdminApi> targets;
    private final String prefix;
    private final long deadline;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Histogram latencyMicros = new SynchronizedHistogram(TimeUnit.MINUTES.toMicros(1), 3);
    private final List<Thread> threads = new ArrayList<>();
    private volatile String lastError;
    private volatile long measureFrom = Long.MAX_VALUE;
    private final LongConsumer onAck;

    /**
     * @param onAck called with the submit time (System.nanoTime) of every acknowledged request
     */
    CreateStream(List<AdminApi> targets, int threadCount, String prefix, long maxSeconds, LongConsumer onAck) {
        this.targets = List.copyOf(targets);
        this.prefix = prefix;
        this.deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        this.onAck = onAck;
        for (int t = 0; t < threadCount; t++) {
            int first = t;
            Thread th = new Thread(() -> loop(first), "create-" + t);
            th.setDaemon(true);
            threads.add(th);
        }
    }

    CreateStream start() {
        threads.forEach(Thread::start);
        return this;
    }

    /** Counts acknowledgements (and their latency) from now on. */
    void measure() {
        acknowledged.set(0);
        refused.set(0);
        latencyMicros.reset();
        measureFrom = System.nanoTime();
    }

    long acknowledged() {
        return acknowledged.get();
    }

    /** What the last refusal said: an HTTP answer or an I/O error. */
    String lastRefusal() {
        return lastError != null ? lastError + "; last HTTP refusal: " + targets.get(0).lastRefusal()
                : targets.stream().map(AdminApi::lastRefusal).filter(r -> !r.equals("none")).findFirst().orElse("none");
    }

    long refused() {
        return refused.get();
    }

    Histogram latencyMicros() {
        return latencyMicros;
    }

    private void loop(int first) {
        int turn = first;
        while (running.get() && System.nanoTime() < deadline) {
            AdminApi via = targets.get(turn++ % targets.size());
            String name = prefix + "-" + sequence.incrementAndGet();
            long submitted = System.nanoTime();
            boolean ok;
            try {
                ok = via.createService(name, 0, COMMAND);
            } catch (IOException e) {
                lastError = e.toString();
                ok = false;
            }
            long done = System.nanoTime();
            if (ok) {
                onAck.accept(submitted);
                if (submitted >= measureFrom) {
                    acknowledged.incrementAndGet();
                    latencyMicros.recordValue(Math.min((done - submitted) / 1_000, latencyMicros.getHighestTrackableValue()));
                }
            } else {
                if (submitted >= measureFrom) {
                    refused.incrementAndGet();
                }
                Pause.millis(RETRY_PAUSE_MILLIS);
            }
        }
    }

    /** Stops the threads; waits for each up to the time one request may take. */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(20));
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
