package io.trellis.daemon;

import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.atrest.DataKeyStore;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Proposer;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import io.trellis.controlplane.store.StoreWriter;

/**
 * {@code swarm unlock-key} and {@code swarm update --autolock}: the unlock key lives in the cluster
 * record; each manager re-seals its data keys when it changes (see {@link DataKeySealer#follower}).
 *
 * <p>Turning autolock on and rotating the unlock key also rotate the data key, first: a copy of
 * {@code keys/} taken before (the old key and what opened it) then opens none of the entries written
 * after, including the one that carries the new unlock key.
 */
final class Autolock {
    private final ClusterStore store;
    private final StoreWriter writer;
    private final Runnable rotateDataKey;

    /** @param rotateDataKey gives the managers a new data key ({@link ControlPlane#rotateDataKey}) */
    Autolock(ClusterStore store, StoreWriter writer, Runnable rotateDataKey) {
        this.store = store;
        this.writer = writer;
        this.rotateDataKey = rotateDataKey;
    }

    String current() {
        String key = cluster().unlockKey();
        if (key == null) {
            throw new ApiException(ApiException.Kind.CONFLICT,
                    "this swarm is not autolocked; turn it on with trellis swarm update --autolock=true");
        }
        return key;
    }

    /** A new unlock key; managers restarted later need it, not the old one. */
    String rotate() {
        current();
        String fresh = DataKeyStore.newUnlockKey();
        rotateDataKey();
        commit(fresh);
        return fresh;
    }

    /**
     * Turns autolock on (returns the new unlock key) or off (returns null). Off needs no new data
     * key: the keys go back on disk, which is what autolock guarded against.
     */
    String set(boolean on) {
        String key = cluster().unlockKey();
        if (on == (key != null)) {
            return key;
        }
        String fresh = on ? DataKeyStore.newUnlockKey() : null;
        if (on) {
            rotateDataKey();
        }
        commit(fresh);
        return fresh;
    }

    /** Refuses the change when the key cannot be rotated: the unlock key would then protect an old key. */
    private void rotateDataKey() {
        try {
            rotateDataKey.run();
        } catch (IllegalStateException e) {
            throw new ApiException(ApiException.Kind.CONFLICT, "the Raft data key could not be rotated, so the "
                    + "unlock key was not changed: " + e.getMessage());
        } catch (Proposer.NotLeaderException | StoreWriter.StoreUnavailableException e) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "the Raft data key could not be rotated, so the "
                    + "unlock key was not changed: " + e.getMessage());
        }
    }

    private void commit(String key) {
        StoreReply reply = writer.submit(StoreBatch.of(new StoreOp.SetUnlockKey(key)));
        if (!reply.ok()) {
            throw new ApiException(ApiException.Kind.CONFLICT, reply.error());
        }
    }

    private ClusterInfo cluster() {
        ClusterInfo c = store.view().cluster();
        if (c == null) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "this swarm has no cluster record yet");
        }
        return c;
    }
}
