package io.trellis.perf.raft;

import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Drives one {@link StoreWriter} with {@code inFlight} batches outstanding at most, each of
 * {@code opsPerBatch} ops, for a warm-up and then a measured window. In-flight 1 is the plain
 * synchronous writer (what one API request does); more is pipelining through
 * {@link StoreWriter#submitAsync}. A batch counts when it is acknowledged (committed by a majority,
 * fsync'd, applied on the writing manager) inside the window; its latency is submit → acknowledge,
 * so with many in flight it includes the wait behind the batches ahead of it.
 */
final class WriteLoad {
    /** What one run does. */
    record Mode(String name, int opsPerBatch, int inFlight, boolean viaFollower) {
    }

    /**
     * What one run measured; latencies in microseconds. {@code cpuSeconds} is this JVM's CPU time
     * during the window: all three managers and the client, so per entry it is the whole cluster's
     * cost, and over {@code seconds} it says how many of the host's cores the run got.
     */
    record Result(Mode mode, double seconds, long batches, long rejected, long failed, Histogram latencyMicros,
                  double cpuSeconds) {
        double cpuMillisPerEntry() {
            return batches == 0 ? Double.NaN : cpuSeconds * 1000 / batches;
        }

        double coresUsed() {
            return cpuSeconds / seconds;
        }

        double batchesPerSecond() {
            return batches / seconds;
        }

        double opsPerSecond() {
            return batches * (double) mode.opsPerBatch() / seconds;
        }
    }

    /** Longest a submit may wait for a free slot, or the drain for the last batches: a stuck log fails the run. */
    private static final long STALL_SECONDS = 30;

    private WriteLoad() {
    }

    static Result run(StoreWriter writer, Mode mode, Duration warmup, Duration measure) throws InterruptedException {
        NodeUpdates updates = new NodeUpdates();
        Semaphore slots = new Semaphore(mode.inFlight());
        Histogram latency = new SynchronizedHistogram(TimeUnit.SECONDS.toMicros(STALL_SECONDS), 3);
        AtomicLong batches = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime() + warmup.toNanos();
        long end = start + measure.toNanos();
        long cpuAtStart = -1;
        // Bounded by the clock: the loop ends at `end` whatever happens.
        while (System.nanoTime() < end) {
            if (cpuAtStart < 0 && System.nanoTime() >= start) {
                cpuAtStart = processCpuNanos();
            }
            if (!slots.tryAcquire(STALL_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(mode.name() + ": no batch acknowledged for " + STALL_SECONDS + " s");
            }
            StoreBatch batch = updates.batch(mode.opsPerBatch());
            long submitted = System.nanoTime();
            writer.submitAsync(batch).whenComplete((reply, error) -> {
                long done = System.nanoTime();
                // Throughput is what the window acknowledged, whenever it was submitted.
                if (done >= start && done <= end) {
                    if (error != null) {
                        failed.incrementAndGet();
                    } else if (!reply.ok()) {
                        rejected.incrementAndGet();
                    } else {
                        batches.incrementAndGet();
                        latency.recordValue(Math.min((done - submitted) / 1_000, latency.getHighestTrackableValue()));
                    }
                }
                slots.release();
            });
        }
        long cpu = processCpuNanos() - Math.max(cpuAtStart, 0);
        if (!slots.tryAcquire(mode.inFlight(), STALL_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException(mode.name() + ": batches still outstanding " + STALL_SECONDS + " s after the run");
        }
        return new Result(mode, measure.toNanos() / 1e9, batches.get(), rejected.get(), failed.get(), latency,
                cpu / 1e9);
    }

    /** Cores this JVM used over {@code length} while nothing is written (heartbeats, timers, pollers). */
    static double idleCores(Duration length) throws InterruptedException {
        long cpu = processCpuNanos();
        long wall = System.nanoTime();
        Thread.sleep(length.toMillis());
        return (processCpuNanos() - cpu) / (double) (System.nanoTime() - wall);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
