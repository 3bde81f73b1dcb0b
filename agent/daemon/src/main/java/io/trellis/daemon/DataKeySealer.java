package io.trellis.daemon;

import io.trellis.controlplane.atrest.DataKeyStore;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.CommitListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This manager's Raft data key on disk, sealed with the swarm's unlock key (autolock: the key stays
 * off disk and a restart waits for {@code swarm unlock}) or with a key-encryption key stored next to it.
 */
final class DataKeySealer {
    private static final Logger LOG = LoggerFactory.getLogger(DataKeySealer.class);

    private final Path keysDir;

    DataKeySealer(Path keysDir) {
        this.keysDir = keysDir;
    }

    /** Seals {@code dataKey} with {@code unlockKey}, or with a key on disk when it is null. */
    void seal(byte[] dataKey, String unlockKey) throws IOException {
        DataKeyStore keys = new DataKeyStore(keysDir);
        if (unlockKey == null) {
            keys.store(dataKey, false);
        } else {
            keys.storeLocked(dataKey, unlockKey);
        }
    }

    /** True when opening the data key needs the user's unlock key. */
    boolean isLocked() {
        return new DataKeyStore(keysDir).isLocked();
    }

    /** The data key sealed with a key on disk. */
    byte[] open() throws IOException {
        return new DataKeyStore(keysDir).load();
    }

    /**
     * The data key sealed with {@code unlockKey}.
     *
     * @throws IllegalArgumentException when the unlock key is wrong
     */
    byte[] unlock(String unlockKey) throws IOException {
        return new DataKeyStore(keysDir).unlock(unlockKey);
    }

    /**
     * Re-seals {@code dataKey} whenever the swarm's unlock key changes ({@code unlock-key --rotate},
     * {@code swarm update --autolock}), so every manager needs the current key after a restart.
     */
    CommitListener follower(byte[] dataKey) {
        byte[] key = dataKey.clone();
        return (ClusterSnapshot before, ClusterSnapshot after) -> {
            String was = before.cluster() == null ? null : before.cluster().unlockKey();
            String now = after.cluster() == null ? null : after.cluster().unlockKey();
            if (before.cluster() != null && !Objects.equals(was, now)) {
                try {
                    seal(key, now);
                    LOG.info(now == null ? "autolock turned off: the data key is sealed with a key on disk"
                            : "the swarm's unlock key changed: this manager's data key is sealed with the new one");
                } catch (IOException e) {
                    LOG.error("re-sealing the data key after an unlock key change failed: {}", e.getMessage());
                }
            }
        };
    }
}
