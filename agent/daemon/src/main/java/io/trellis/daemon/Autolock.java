package io.trellis.daemon;

import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.atrest.DataKeyStore;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import io.trellis.controlplane.store.StoreWriter;

/**
 * {@code swarm unlock-key} and {@code swarm update --autolock}: the unlock key lives in the cluster
 * record; each manager re-seals its data key when it changes (see {@link DataKeySealer#follower}).
 */
final class Autolock {
    private final ClusterStore store;
    private final StoreWriter writer;

    Autolock(ClusterStore store, StoreWriter writer) {
        this.store = store;
        this.writer = writer;
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
        commit(fresh);
        return fresh;
    }

    /** Turns autolock on (returns the new unlock key) or off (returns null). */
    String set(boolean on) {
        String key = cluster().unlockKey();
        if (on == (key != null)) {
            return key;
        }
        String fresh = on ? DataKeyStore.newUnlockKey() : null;
        commit(fresh);
        return fresh;
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
