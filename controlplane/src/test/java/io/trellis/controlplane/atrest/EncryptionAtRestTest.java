package io.trellis.controlplane.atrest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.ReplicatedState;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreCodec;
import io.trellis.controlplane.store.StoreOp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptionAtRestTest {

    @Test
    void logHoldsOnlyCiphertextAndTheStoreStillApplies() throws Exception {
        EncryptedLog log = new EncryptedLog(SealedBox.newKey());
        ClusterStore store = new ClusterStore();
        ReplicatedState state = log.opening(store);
        List<byte[]> written = new ArrayList<>();
        long[] index = {0};
        var proposer = log.sealing(entry -> {
            written.add(entry);
            return CompletableFuture.completedFuture(state.apply(++index[0], entry));
        });
        proposer.propose(StoreCodec.encode(StoreBatch.of(new StoreOp.InitCluster(new ClusterInfo("c", 1)),
                new StoreOp.CreateService(Fixtures.service("s1", "secret-service-name", 2))))).get();
        assertThat(store.view().serviceByName("secret-service-name")).isPresent();
        for (byte[] w : written) {
            assertThat(new String(w, StandardCharsets.ISO_8859_1)).doesNotContain("secret-service-name").doesNotContain("img");
        }

        ByteArrayOutputStream snap = new ByteArrayOutputStream();
        state.writeSnapshot(snap);
        assertThat(snap.toString(StandardCharsets.ISO_8859_1)).doesNotContain("secret-service-name");
        ClusterStore restored = new ClusterStore();
        log.opening(restored).readSnapshot(new ByteArrayInputStream(snap.toByteArray()));
        assertThat(restored.view()).isEqualTo(store.view());

        EncryptedLog other = new EncryptedLog(SealedBox.newKey());
        assertThat(other.opens(written.get(0))).isFalse();
        assertThatThrownBy(() -> other.opening(new ClusterStore()).readSnapshot(new ByteArrayInputStream(snap.toByteArray())))
                .hasMessageContaining("authentication failed");
    }

    @Test
    void tamperedEntryIsRejectedAlikeOnEveryReplica() {
        EncryptedLog log = new EncryptedLog(SealedBox.newKey());
        ClusterStore store = new ClusterStore();
        byte[] sealed = new SealedBox(new byte[32]).seal(new byte[] {1}, new byte[0]);
        byte[] reply = log.opening(store).apply(1, sealed);
        assertThat(StoreCodec.decodeReply(reply).ok()).isFalse();
        assertThat(store.appliedIndex()).isEqualTo(1);
    }

    @Test
    void dataKeyIsSealedOnDiskAndAutolockKeepsTheUnlockKeyOff(@TempDir Path dir) throws Exception {
        byte[] dek = SealedBox.newKey();
        DataKeyStore plain = new DataKeyStore(dir.resolve("a"));
        assertThat(plain.store(KeyRing.of(dek), false)).isNull();
        assertThat(plain.load()).isEqualTo(KeyRing.of(dek));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/raft.key")))).isEqualTo("rw-------");
        assertThat(java.util.HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("a/raft.key"))))
                .doesNotContain(java.util.HexFormat.of().formatHex(dek));

        DataKeyStore locked = new DataKeyStore(dir.resolve("b"));
        String unlockKey = locked.store(KeyRing.of(dek), true);
        assertThat(unlockKey).startsWith("SWMKEY-1-");
        assertThat(locked.isLocked()).isTrue();
        assertThatThrownBy(locked::load).isInstanceOf(DataKeyStore.LockedException.class).hasMessageContaining("swarm unlock");
        assertThat(locked.unlock(unlockKey)).isEqualTo(KeyRing.of(dek));
        assertThatThrownBy(() -> locked.unlock("SWMKEY-1-" + "A".repeat(43))).hasMessage("the unlock key is not this swarm's");
        assertThatThrownBy(() -> locked.unlock("nope")).hasMessageContaining("must start with SWMKEY-1-");
    }

    @Test
    void theRingRoundTripsUnderTheKeyOnDiskAndUnderTheUnlockKey(@TempDir Path dir) throws Exception {
        KeyRing ring = KeyRing.of(SealedBox.newKey()).with(2, SealedBox.newKey()).with(3, SealedBox.newKey());

        DataKeyStore plain = new DataKeyStore(dir.resolve("a"));
        plain.store(ring, false);
        assertThat(plain.load()).isEqualTo(ring);

        DataKeyStore locked = new DataKeyStore(dir.resolve("b"));
        String unlockKey = DataKeyStore.newUnlockKey();
        locked.storeLocked(ring, unlockKey);
        assertThat(locked.isLocked()).isTrue();
        assertThat(locked.unlock(unlockKey)).isEqualTo(ring);
        assertThatThrownBy(() -> locked.unlock(DataKeyStore.newUnlockKey())).hasMessage("the unlock key is not this swarm's");
        String onDisk = java.util.HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("b/raft.key")));
        for (int id : ring.ids()) {
            assertThat(onDisk).doesNotContain(java.util.HexFormat.of().formatHex(ring.key(id)));
        }
    }

    @Test
    void aKeyFileFromBeforeRingsReadsAsARingOfOne(@TempDir Path dir) throws Exception {
        // What managers stored before rings: one bare data key, sealed with the KEK next to it.
        byte[] dek = SealedBox.newKey();
        byte[] kek = SealedBox.newKey();
        Files.write(dir.resolve("raft.key"), new SealedBox(kek).seal(dek,
                "trellis-raft-data-key-v1".getBytes(StandardCharsets.US_ASCII)));
        Files.write(dir.resolve("unlock.key"), kek);

        KeyRing ring = new DataKeyStore(dir).load();

        assertThat(ring.ids()).containsExactly(KeyRing.FIRST_ID);
        assertThat(ring.key(KeyRing.FIRST_ID)).isEqualTo(dek);
    }
}
