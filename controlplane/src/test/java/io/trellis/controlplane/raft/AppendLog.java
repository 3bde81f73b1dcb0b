package io.trellis.controlplane.raft;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

import io.trellis.controlplane.store.ReplicatedState;

/**
 * A minimal {@link ReplicatedState} for the adapter tests: appends each entry (as UTF-8 text) and
 * replies with the entry's 1-based position, so replies show the apply order. Counts applies and
 * snapshot reads so tests can tell log replay from snapshot restore.
 */
final class AppendLog implements ReplicatedState {

    private final List<String> entries = new ArrayList<>();
    private long appliedIndex;
    private int applies;
    private int snapshotsRead;
    /** While held, apply waits: the replica's apply thread is stuck, as a slow or wedged state would leave it. */
    private final Semaphore gate = new Semaphore(1);

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] apply(long index, byte[] entry) {
        gate.acquireUninterruptibly();
        gate.release();
        synchronized (this) {
            entries.add(text(entry));
            appliedIndex = index;
            applies++;
            return bytes(Integer.toString(entries.size()));
        }
    }

    /** Makes later applies wait until {@link #releaseApplies()}. */
    void holdApplies() {
        gate.acquireUninterruptibly();
    }

    void releaseApplies() {
        gate.release();
    }

    @Override
    public synchronized long appliedIndex() {
        return appliedIndex;
    }

    @Override
    public synchronized void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(appliedIndex);
        data.writeInt(entries.size());
        for (String entry : entries) {
            data.writeUTF(entry);
        }
        data.flush();
    }

    @Override
    public synchronized void readSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        appliedIndex = data.readLong();
        int count = data.readInt();
        entries.clear();
        for (int i = 0; i < count; i++) {
            entries.add(data.readUTF());
        }
        snapshotsRead++;
    }

    synchronized List<String> entries() {
        return List.copyOf(entries);
    }

    synchronized int applies() {
        return applies;
    }

    synchronized int snapshotsRead() {
        return snapshotsRead;
    }
}
