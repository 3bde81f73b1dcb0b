package io.trellis.controlplane.store;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domain store: applies batches of {@link StoreOp}s to an immutable {@link ClusterSnapshot} and
 * publishes the result. It has no Raft types; the consensus adapter drives it through
 * {@link ReplicatedState}, and readers call {@link #view()} without locking.
 */
public final class ClusterStore implements ReplicatedState {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterStore.class);

    private volatile ClusterSnapshot current = ClusterSnapshot.EMPTY;
    private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();

    public ClusterSnapshot view() {
        return current;
    }

    public void addListener(CommitListener l) {
        listeners.add(l);
    }

    public void removeListener(CommitListener l) {
        listeners.remove(l);
    }

    @Override
    public byte[] apply(long index, byte[] entry) {
        StoreBatch batch;
        try {
            batch = StoreCodec.decodeBatch(entry);
        } catch (IOException e) {
            // A corrupt entry must not stop the replica: every replica rejects it the same way.
            LOG.warn("rejecting undecodable log entry", e);
            advance(index, current);
            return StoreCodec.encode(StoreReply.rejected("undecodable entry: " + e.getMessage(), index));
        }
        return StoreCodec.encode(applyBatch(index, batch));
    }

    /** Applies a batch directly; used by {@link #apply} and by tests that need no log. */
    public synchronized StoreReply applyBatch(long index, StoreBatch batch) {
        Transaction tx = new Transaction(current);
        try {
            for (StoreOp op : batch.ops()) {
                op.applyTo(tx);
            }
        } catch (StoreException e) {
            advance(index, current);
            return StoreReply.rejected(e.getMessage(), index);
        }
        advance(index, tx.commit(index));
        return StoreReply.accepted(index);
    }

    private void advance(long index, ClusterSnapshot next) {
        ClusterSnapshot before = current;
        ClusterSnapshot after = next.index() == index ? next
                : new ClusterSnapshot(index, next.cluster(), next.nodes(), next.services(), next.tasks(),
                        next.networks(), next.secrets());
        current = after;
        for (CommitListener l : listeners) {
            try {
                l.onCommit(before, after);
            } catch (RuntimeException e) {
                LOG.error("commit listener failed", e);
            }
        }
    }

    @Override
    public long appliedIndex() {
        return current.index();
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        // Jackson closes the stream it writes to; the caller owns it.
        StoreCodec.writeSnapshot(current, new FilterOutputStream(out) {
            @Override
            public void close() throws IOException {
                flush();
            }
        });
    }

    @Override
    public synchronized void readSnapshot(InputStream in) throws IOException {
        ClusterSnapshot restored = StoreCodec.readSnapshot(in);
        ClusterSnapshot before = current;
        current = restored;
        for (CommitListener l : listeners) {
            l.onCommit(before, restored);
        }
    }
}
