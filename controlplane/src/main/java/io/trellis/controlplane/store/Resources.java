package io.trellis.controlplane.store;

/**
 * A task's CPU and memory: limits enforced by the node's cgroup, reservations the scheduler counts
 * against each node's capacity. Zero means not set.
 *
 * @param limitNanoCpus      {@code --limit-cpu} in billionths of a CPU (1.5 CPUs = 1_500_000_000)
 * @param limitMemoryBytes   {@code --limit-memory}
 * @param reserveNanoCpus    {@code --reserve-cpu}
 * @param reserveMemoryBytes {@code --reserve-memory}
 */
public record Resources(long limitNanoCpus, long limitMemoryBytes, long reserveNanoCpus, long reserveMemoryBytes) {

    public static final Resources NONE = new Resources(0, 0, 0, 0);

    public boolean reserves() {
        return reserveNanoCpus > 0 || reserveMemoryBytes > 0;
    }

    public boolean limits() {
        return limitNanoCpus > 0 || limitMemoryBytes > 0;
    }
}
