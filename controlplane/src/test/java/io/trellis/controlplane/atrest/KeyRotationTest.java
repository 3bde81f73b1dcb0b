package io.trellis.controlplane.atrest;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.pki.CertificateRequests;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Proposer;
import io.trellis.controlplane.store.ReplicatedState;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreCodec;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Data key rotation over a log simulated in memory: three replicas apply every entry in order, as
 * Raft would. Node keys are P-256 pairs, as the node certificates use.
 */
class KeyRotationTest {
    private static final Map<String, KeyPair> NODE_KEYS = Map.of("a", CertificateRequests.newKeyPair(),
            "b", CertificateRequests.newKeyPair(), "c", CertificateRequests.newKeyPair());

    private final byte[] firstKey = SealedBox.newKey();
    private final Map<String, Replica> replicas = new LinkedHashMap<>();
    private final List<byte[]> log = new ArrayList<>();

    KeyRotationTest() {
        for (String id : List.of("a", "b", "c")) {
            replicas.put(id, new Replica(id, KeyRing.of(firstKey)));
        }
        write(replicas.get("a"), new StoreOp.InitCluster(new ClusterInfo("c1", T0)), manager("a"), manager("b"),
                manager("c"));
    }

    @Test
    void entriesWithoutAHeaderOpenWithTheFirstKeyOfTheRing() {
        byte[] legacy = new SealedBox(firstKey).seal(StoreCodec.encode(StoreBatch.of(
                new StoreOp.CreateService(Fixtures.service("s1", "legacy", 1)))), "trellis-raft-entry-v1"
                .getBytes(StandardCharsets.US_ASCII));
        // The ring's newest key is 2, but an entry without a key ID was written before IDs: key 1.
        EncryptedLog rotated = new EncryptedLog(KeyRing.of(firstKey).with(2, SealedBox.newKey()));
        ClusterStore store = new ClusterStore();

        StoreReply reply = StoreCodec.decodeReply(rotated.opening(store).apply(1, legacy));

        assertThat(reply.ok()).isTrue();
        assertThat(store.view().serviceByName("legacy")).isPresent();
        assertThat(new EncryptedLog(SealedBox.newKey()).opens(legacy)).isFalse();
    }

    @Test
    void aSnapshotWrittenBeforeKeyIdsStillOpens() throws Exception {
        ClusterStore source = Fixtures.storeWith(Fixtures.node("m1"));
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        source.writeSnapshot(plain);
        byte[] sealed = new SealedBox(firstKey).seal(plain.toByteArray(),
                "trellis-raft-snapshot-v1".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream legacy = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(legacy);
        out.writeInt(sealed.length);
        out.write(sealed);

        ClusterStore restored = new ClusterStore();
        new EncryptedLog(KeyRing.of(firstKey).with(2, SealedBox.newKey())).opening(restored)
                .readSnapshot(new ByteArrayInputStream(legacy.toByteArray()));

        assertThat(restored.view()).isEqualTo(source.view());
    }

    @Test
    void anEntrySealedWithKeyTwoOpensOnlyWithARingHoldingKeyTwo() {
        byte[] second = SealedBox.newKey();
        EncryptedLog writer = new EncryptedLog(KeyRing.of(firstKey).with(2, second));
        byte[][] sealed = new byte[1][];
        writer.sealing(entry -> {
            sealed[0] = entry;
            return CompletableFuture.completedFuture(new byte[0]);
        }).propose(StoreCodec.encode(StoreBatch.of(new StoreOp.CreateService(Fixtures.service("s1", "new", 1)))));

        assertThat(sealed[0][0]).isEqualTo(EncryptedLog.KEYED);
        assertThat(new EncryptedLog(KeyRing.of(firstKey)).opens(sealed[0])).isFalse();
        assertThat(new EncryptedLog(KeyRing.of(second)).opens(sealed[0])).isFalse(); // key 2's bytes as key 1
        assertThat(new EncryptedLog(KeyRing.of(firstKey).with(2, SealedBox.newKey())).opens(sealed[0])).isFalse();
        assertThat(new EncryptedLog(KeyRing.of(firstKey).with(2, second)).opens(sealed[0])).isTrue();

        // The key ID is authenticated: relabelled as key 1, it does not open with key 1 either.
        byte[] relabelled = sealed[0].clone();
        relabelled[4] = 1;
        assertThat(new EncryptedLog(KeyRing.of(second)).opens(relabelled)).isFalse();
        ClusterStore store = new ClusterStore();
        assertThat(StoreCodec.decodeReply(new EncryptedLog(KeyRing.of(firstKey)).opening(store).apply(1, sealed[0]))
                .ok()).isFalse();
        assertThat(store.appliedIndex()).isEqualTo(1);
    }

    @Test
    void aRotationReachesTheManagersItWasWrappedFor() throws Exception {
        int id = rotate(replicas.get("a"));

        assertThat(id).isEqualTo(2);
        for (Replica r : replicas.values()) {
            assertThat(r.log.ring().ids()).containsExactly(1, 2);
            assertThat(r.kept).containsExactly(r.log.ring());
        }
        assertThat(replicas.get("b").log.ring()).isEqualTo(replicas.get("a").log.ring());
        // Sealed with key 2 from now on, and every replica opens it.
        write(replicas.get("b"), new StoreOp.CreateService(Fixtures.service("s2", "after", 1)));
        assertThat(log.get(log.size() - 1)[4]).isEqualTo((byte) 2);
        replicas.values().forEach(r -> assertThat(r.store.view().serviceByName("after")).isPresent());
    }

    @Test
    void aNodeWithoutACopyKeepsItsRingAndCannotOpenWhatFollows() throws Exception {
        KeyRing before = replicas.get("c").log.ring();
        write(replicas.get("a"), demote("c"));

        rotate(replicas.get("a"));
        write(replicas.get("a"), new StoreOp.CreateService(Fixtures.service("s2", "after-rotation", 1)));

        Replica c = replicas.get("c");
        assertThat(c.log.ring()).isEqualTo(before);
        assertThat(c.kept).isEmpty();
        assertThat(c.store.view().serviceByName("after-rotation")).isEmpty();
        assertThat(c.store.appliedIndex()).isEqualTo(replicas.get("a").store.appliedIndex()); // it goes on
        assertThat(replicas.get("b").store.view().serviceByName("after-rotation")).isPresent();
        assertThat(c.log.opens(log.get(log.size() - 1))).isFalse();
        // What c proposes it still seals with key 1, which the managers still hold.
        write(c, new StoreOp.CreateService(Fixtures.service("s3", "from-c", 1)));
        assertThat(replicas.get("a").store.view().serviceByName("from-c")).isPresent();
    }

    @Test
    void aRotationWrappedForAManagerSetThatChangedIsVoid() throws Exception {
        Replica a = replicas.get("a");
        Map<String, PublicKey> stale = Recipients.managers(a.store.view()); // still a, b, c
        write(a, demote("c"));

        CompletableFuture<Integer> rotation = a.log.rotate(a.proposer(), stale);

        assertThatThrownBy(rotation::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("did not take");
        replicas.values().forEach(r -> assertThat(r.log.ring().ids()).containsExactly(1));
        assertThat(rotate(a)).isEqualTo(2); // wrapped for a and b only: counts
        assertThat(replicas.get("c").log.ring().ids()).containsExactly(1);
    }

    @Test
    void aLaggingReplicaLearnsRotatedKeysFromTheSnapshot() throws Exception {
        Replica a = replicas.get("a");
        rotate(a);
        rotate(a);
        write(a, new StoreOp.CreateService(Fixtures.service("s2", "after", 1)));
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        a.opening.writeSnapshot(snapshot);

        // b as it was before both rotations: it gets the snapshot instead of the entries.
        Replica lagging = new Replica("b", KeyRing.of(firstKey));
        lagging.opening.readSnapshot(new ByteArrayInputStream(snapshot.toByteArray()));

        assertThat(lagging.log.ring()).isEqualTo(a.log.ring());
        assertThat(lagging.kept).hasSize(2);
        assertThat(lagging.store.view()).isEqualTo(a.store.view());
        // It carries the rotations on, for the next one to lag behind it.
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        lagging.opening.writeSnapshot(again);
        Replica next = new Replica("c", KeyRing.of(firstKey));
        next.opening.readSnapshot(new ByteArrayInputStream(again.toByteArray()));
        assertThat(next.store.view()).isEqualTo(a.store.view());

        // The snapshot holds no plain state, and without a copy (a stranger's node key) it does not open.
        assertThat(snapshot.toString(StandardCharsets.ISO_8859_1)).doesNotContain("after");
        Replica stranger = new Replica("x", KeyRing.of(firstKey));
        assertThatThrownBy(() -> stranger.opening.readSnapshot(new ByteArrayInputStream(snapshot.toByteArray())))
                .hasMessageContaining("sealed with data key 3, which this manager does not hold");
    }

    @Test
    void keyWrapRoundTripsAndOpensOnlyWithTheRightKeyAndContext() {
        KeyPair node = NODE_KEYS.get("a");
        byte[] key = SealedBox.newKey();
        byte[] context = "trellis-data-key-v1:2:a".getBytes(StandardCharsets.UTF_8);

        byte[] wrapped = KeyWrap.wrap(node.getPublic(), key, context);

        assertThat(KeyWrap.unwrap(node.getPrivate(), wrapped, context)).isEqualTo(key);
        assertThat(KeyWrap.wrap(node.getPublic(), key, context)).isNotEqualTo(wrapped); // a fresh ephemeral key
        assertThatThrownBy(() -> KeyWrap.unwrap(NODE_KEYS.get("b").getPrivate(), wrapped, context))
                .isInstanceOf(SealedBox.SealedBoxException.class);
        assertThatThrownBy(() -> KeyWrap.unwrap(node.getPrivate(), wrapped,
                "trellis-data-key-v1:2:b".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SealedBox.SealedBoxException.class);
        byte[] tampered = wrapped.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> KeyWrap.unwrap(node.getPrivate(), tampered, context))
                .isInstanceOf(SealedBox.SealedBoxException.class);
        assertThatThrownBy(() -> KeyWrap.unwrap(node.getPrivate(), new byte[3], context))
                .isInstanceOf(SealedBox.SealedBoxException.class);
    }

    @Test
    void aCopyWrappedForTheKeyARenewalIsAboutToInstallOpens() throws Exception {
        KeyPair renewed = CertificateRequests.newKeyPair();
        Replica b = replicas.get("b");
        b.privateKeys.add(renewed.getPrivate()); // expected, not yet current
        write(replicas.get("a"), new StoreOp.SetNodeKey("b", Recipients.encode(renewed.getPublic())));

        rotate(replicas.get("a"));

        assertThat(b.log.ring().ids()).containsExactly(1, 2);
    }

    @Test
    void ringsEncodeAndAKeyStoredBeforeRingsReadsAsARingOfOne() {
        KeyRing ring = KeyRing.of(firstKey).with(2, SealedBox.newKey()).with(7, SealedBox.newKey());
        assertThat(KeyRing.decode(ring.encode())).isEqualTo(ring);
        assertThat(KeyRing.decode(ring.encode()).newestId()).isEqualTo(7);
        assertThat(KeyRing.decode(firstKey)).isEqualTo(KeyRing.of(firstKey));
        assertThat(KeyRing.decode(firstKey).ids()).containsExactly(KeyRing.FIRST_ID);
        assertThat(ring.with(2, SealedBox.newKey())).isSameAs(ring); // an ID keeps its key
        assertThat(ring.toString()).isEqualTo("KeyRing[1, 2, 7]");
        assertThatThrownBy(() -> KeyRing.decode(new byte[] {'R', 0, 2, 0})).isInstanceOf(IllegalArgumentException.class);
    }

    private int rotate(Replica from) throws Exception {
        return from.log.rotate(from.proposer(), Recipients.managers(from.store.view())).get();
    }

    private static StoreOp.PutNode manager(String id) {
        return new StoreOp.PutNode(Fixtures.node(id).withPublicKey(Recipients.encode(NODE_KEYS.get(id).getPublic())));
    }

    private StoreOp demote(String id) {
        Node n = replicas.get("a").store.view().nodes().get(id);
        return new StoreOp.PutNode(new Node(n.id(), n.hostname(), Node.Role.WORKER, n.availability(), n.status(),
                n.address(), n.engineVersion(), n.labels(), n.createdAt(), T0, null));
    }

    private void write(Replica from, StoreOp... ops) {
        try {
            StoreReply reply = StoreCodec.decodeReply(from.log.sealing(from.proposer())
                    .propose(StoreCodec.encode(new StoreBatch(List.of(ops)))).get());
            assertThat(reply.ok()).as(reply.error()).isTrue();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /** Appends to the shared log and applies it on every replica; answers with the proposer's reply. */
    private CompletableFuture<byte[]> append(Replica from, byte[] entry) {
        log.add(entry);
        long index = log.size();
        byte[] reply = null;
        for (Replica r : replicas.values()) {
            byte[] answer = r.opening.apply(index, entry);
            if (r == from) {
                reply = answer;
            }
        }
        return CompletableFuture.completedFuture(reply);
    }

    private final class Replica implements NodeKeys {
        final String id;
        final EncryptedLog log;
        final ClusterStore store = new ClusterStore();
        final ReplicatedState opening;
        final List<KeyRing> kept = new ArrayList<>();
        final List<PrivateKey> privateKeys = new ArrayList<>();

        Replica(String id, KeyRing ring) {
            this.id = id;
            this.log = new EncryptedLog(ring);
            this.opening = log.opening(store, () -> Recipients.managerIds(store.view()), this, kept::add);
            if (NODE_KEYS.containsKey(id)) {
                privateKeys.add(NODE_KEYS.get(id).getPrivate());
            } else {
                privateKeys.add(CertificateRequests.newKeyPair().getPrivate());
            }
        }

        Proposer proposer() {
            return entry -> append(this, entry);
        }

        @Override
        public String nodeId() {
            return id;
        }

        @Override
        public List<PrivateKey> privateKeys() {
            return privateKeys;
        }
    }
}
