package io.trellis.ipsec.esp;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Bytes allocated and time spent per operation on this thread ({@code com.sun.management.ThreadMXBean}
 * counts every TLAB and outside-TLAB allocation). Warms up first, then keeps the best of three runs:
 * a GC or safepoint cannot add bytes, but a late JIT event could.
 */
final class AllocationMeter {
    record Result(double nanosPerOp, double bytesPerOp) {
    }

    private final com.sun.management.ThreadMXBean threads;

    AllocationMeter() {
        java.lang.management.ThreadMXBean plain = ManagementFactory.getThreadMXBean();
        assumeTrue(plain instanceof com.sun.management.ThreadMXBean, "this JVM has no com.sun.management.ThreadMXBean");
        threads = (com.sun.management.ThreadMXBean) plain;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM does not count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    Result measure(int warmUp, int ops, Runnable op) {
        for (int i = 0; i < warmUp; i++) {
            op.run();
        }
        double bestNanos = Double.MAX_VALUE;
        double bestBytes = Double.MAX_VALUE;
        for (int attempt = 0; attempt < 3; attempt++) {
            long bytes = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                op.run();
            }
            long nanos = System.nanoTime() - start;
            bytes = threads.getCurrentThreadAllocatedBytes() - bytes;
            bestNanos = Math.min(bestNanos, (double) nanos / ops);
            bestBytes = Math.min(bestBytes, (double) bytes / ops);
        }
        return new Result(bestNanos, bestBytes);
    }
}
