package io.trellis.daemon;

import io.trellis.controlplane.atrest.DataKeyStore;
import io.trellis.controlplane.atrest.KeyRing;
import io.trellis.controlplane.atrest.RingKeeper;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.CommitListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This manager's Raft data keys on disk, sealed with the swarm's unlock key (autolock: the key stays
 * off disk and a restart waits for {@code swarm unlock}) or with a key-encryption key stored next to
 * them. Re-seals them when a rotation adds a key ({@link RingKeeper}), with whatever sealed them last.
 */
final class DataKeySealer implements RingKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(DataKeySealer.class);

    private final Path keysDir;
    /** What the ring on disk is sealed with: the swarm's unlock key, or null for a key on disk. */
    private volatile String unlockKey;

    DataKeySealer(Path keysDir) {
        this.keysDir = keysDir;
    }

    /** Seals {@code ring} with {@code unlockKey}, or with a key on disk when it is null. */
    synchronized void seal(KeyRing ring, String unlockKey) throws IOException {
        DataKeyStore keys = new DataKeyStore(keysDir);
        if (unlockKey == null) {
            keys.store(ring, false);
        } else {
            keys.storeLocked(ring, unlockKey);
        }
        this.unlockKey = unlockKey;
    }

    /** A rotation added a key: sealed like the ring before it, so a restart opens it the same way. */
    @Override
    public void keep(KeyRing ring) throws IOException {
        seal(ring, unlockKey);
    }

    /** True when opening the data keys needs the user's unlock key. */
    boolean isLocked() {
        return new DataKeyStore(keysDir).isLocked();
    }

    /** The data keys sealed with a key on disk. */
    KeyRing open() throws IOException {
        KeyRing ring = new DataKeyStore(keysDir).load();
        unlockKey = null;
        return ring;
    }

    /**
     * The data keys sealed with {@code unlockKey}.
     *
     * @throws IllegalArgumentException when the unlock key is wrong
     */
    KeyRing unlock(String unlockKey) throws IOException {
        KeyRing ring = new DataKeyStore(keysDir).unlock(unlockKey);
        this.unlockKey = unlockKey;
        return ring;
    }

    /**
     * Re-seals the ring ({@code ring} gives the current one) whenever the swarm's unlock key changes
     * ({@code unlock-key --rotate}, {@code swarm update --autolock}), so every manager needs the
     * current key after a restart.
     */
    CommitListener follower(Supplier<KeyRing> ring) {
        return (ClusterSnapshot before, ClusterSnapshot after) -> {
            String was = before.cluster() == null ? null : before.cluster().unlockKey();
            String now = after.cluster() == null ? null : after.cluster().unlockKey();
            if (before.cluster() != null && !Objects.equals(was, now)) {
                try {
                    seal(ring.get(), now);
                    LOG.info(now == null ? "autolock turned off: the data keys are sealed with a key on disk"
                            : "the swarm's unlock key changed: this manager's data keys are sealed with the new one");
                } catch (IOException e) {
                    LOG.error("re-sealing the data keys after an unlock key change failed: {}", e.getMessage());
                }
            }
        };
    }
}
