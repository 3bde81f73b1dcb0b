package io.trellis.controlplane.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The deterministic state that the consensus log replicates. The store implements it; the Raft
 * adapter ({@code io.trellis.controlplane.raft}) feeds it committed entries and snapshots and never
 * looks inside an entry.
 */
public interface ReplicatedState {

    /**
     * Applies one committed log entry. Must be deterministic: every replica applies the same entries
     * in the same order and must end in the same state. Never throws for a bad entry: the rejection
     * is encoded in the returned reply, which goes back to whoever proposed the entry.
     */
    byte[] apply(long index, byte[] entry);

    /** Index of the last entry applied, or of the snapshot last read; 0 when empty. */
    long appliedIndex();

    /** Writes the whole state (including {@link #appliedIndex()}) so that {@link #readSnapshot} restores it. */
    void writeSnapshot(OutputStream out) throws IOException;

    /** Replaces the whole state with a snapshot written by {@link #writeSnapshot}. */
    void readSnapshot(InputStream in) throws IOException;
}
