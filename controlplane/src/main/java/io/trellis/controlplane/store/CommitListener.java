package io.trellis.controlplane.store;

/**
 * Told about every applied commit, on the apply thread, in log order. Implementations hand the
 * snapshots to their own thread and return at once: a slow listener stalls replication.
 */
@FunctionalInterface
public interface CommitListener {
    void onCommit(ClusterSnapshot before, ClusterSnapshot after);
}
