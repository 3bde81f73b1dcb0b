package io.trellis.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated on the calling thread ({@code com.sun.management.ThreadMXBean} counts every TLAB
 * and outside-TLAB allocation), for tests that a hot path allocates nothing. A JVM without the
 * counter skips the test with one line.
 */
public final class AllocationMeter {
    /** Nanoseconds and bytes per operation. */
    public record Result(double nanosPerOp, double bytesPerOp) {
    }

    private final com.sun.management.ThreadMXBean threads;

    /** Skips the calling test unless this JVM counts allocated bytes per thread. */
    public AllocationMeter() {
        java.lang.management.ThreadMXBean plain = ManagementFactory.getThreadMXBean();
        assumeTrue(plain instanceof com.sun.management.ThreadMXBean, "this JVM has no com.sun.management.ThreadMXBean");
        threads = (com.sun.management.ThreadMXBean) plain;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM does not count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    /** Bytes this thread has allocated so far. */
    public long allocatedBytes() {
        return threads.getCurrentThreadAllocatedBytes();
    }

    /** Bytes {@code work} allocated on this thread. */
    public long bytesAllocatedBy(Runnable work) {
        long before = allocatedBytes();
        work.run();
        return allocatedBytes() - before;
    }

    /**
     * Runs {@code op} {@code warmUp} times, then measures {@code ops} runs three times and keeps the
     * best: a GC or safepoint cannot add bytes, but a late JIT event could, once.
     */
    public Result measure(int warmUp, int ops, Runnable op) {
        for (int i = 0; i < warmUp; i++) {
            op.run();
        }
        double bestNanos = Double.MAX_VALUE;
        double bestBytes = Double.MAX_VALUE;
        for (int attempt = 0; attempt < 3; attempt++) {
            long bytes = allocatedBytes();
            long start = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                op.run();
            }
            long nanos = System.nanoTime() - start;
            bytes = allocatedBytes() - bytes;
            bestNanos = Math.min(bestNanos, (double) nanos / ops);
            bestBytes = Math.min(bestBytes, (double) bytes / ops);
        }
        return new Result(bestNanos, bestBytes);
    }
}
