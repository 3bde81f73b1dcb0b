package io.trellis.daemon.cgroup;

/** A CPU limit as CFS bandwidth: this much run time in every 100 ms period. */
final class CpuQuota {
    static final long PERIOD_MICROS = 100_000;
    /** The kernel's floor for a quota. */
    private static final long MIN_QUOTA_MICROS = 1_000;

    private CpuQuota() {
    }

    /** 1.5 CPUs (1_500_000_000 nano-CPUs) → 150000 µs per period. */
    static long micros(long nanoCpus) {
        return Math.max(MIN_QUOTA_MICROS, nanoCpus * PERIOD_MICROS / 1_000_000_000L);
    }
}
