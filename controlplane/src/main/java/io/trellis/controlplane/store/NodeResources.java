package io.trellis.controlplane.store;

/**
 * What a node offers its tasks, as it reported at admission or registration: the scheduler places a task
 * only where the reservations of the live tasks plus its own stay within these.
 *
 * @param nanoCpus    CPUs in billionths (4 CPUs = 4_000_000_000)
 * @param memoryBytes physical memory
 */
public record NodeResources(long nanoCpus, long memoryBytes) {

    /** Whether {@code reserved} plus {@code wanted} stays within this node's capacity. */
    public boolean fits(long reservedNanoCpus, long reservedBytes, Resources wanted) {
        return reservedNanoCpus + wanted.reserveNanoCpus() <= nanoCpus
                && reservedBytes + wanted.reserveMemoryBytes() <= memoryBytes;
    }
}
