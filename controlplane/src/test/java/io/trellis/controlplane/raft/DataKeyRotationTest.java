package io.trellis.controlplane.raft;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trellis.controlplane.atrest.DataKeyStore;
import io.trellis.controlplane.atrest.EncryptedLog;
import io.trellis.controlplane.atrest.KeyRing;
import io.trellis.controlplane.atrest.NodeKeys;
import io.trellis.controlplane.atrest.Recipients;
import io.trellis.controlplane.atrest.RingKeeper;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.pki.PeerAuthorization;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.ReplicatedState;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import io.trellis.controlplane.store.StoreWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data key rotation over three real Ratis replicas (mutual TLS, logs on disk), each with the
 * EncryptedLog and store a manager runs and its data keys in a {@link DataKeyStore} of its own. Every
 * replica records the sealed entries it applies, which is what a copy of its Raft log holds.
 */
class DataKeyRotationTest {
    @TempDir
    Path dir;

    private final TestPki pki = new TestPki("rotation");
    private final Map<String, Member> members = new LinkedHashMap<>();

    @BeforeEach
    void startGroup() throws Exception {
        KeyRing first = KeyRing.create();
        List<RaftConfiguration.Peer> peers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            peers.add(new RaftConfiguration.Peer("n" + i, "127.0.0.1:" + RaftReplicaTest.freePort()));
        }
        for (RaftConfiguration.Peer peer : peers) {
            NodeTls tls = pki.issue(peer.id());
            // n3 is the manager a test leaves out of a rotation while it stays in the Raft group (a real
            // demotion takes it out first): it must never lead, or it would answer for entries it cannot
            // open. A timeout far beyond the test keeps it from ever starting an election.
            boolean neverLeads = peer.id().equals("n3");
            RaftConfiguration config = RaftConfiguration.builder(peer.id(), peer.address(), dir.resolve(peer.id()))
                    .peers(peers).clusterId("rotation")
                    .electionTimeout(neverLeads ? Duration.ofMinutes(5) : RaftReplicaTest.ELECTION_MIN,
                            neverLeads ? Duration.ofMinutes(6) : RaftReplicaTest.ELECTION_MAX)
                    .tls(pki.managerTls(tls, PeerAuthorization.CERTIFICATE_ONLY)).build();
            members.put(peer.id(), new Member(peer.id(), tls, first, config));
        }
        members.values().forEach(m -> m.replica.awaitLeader(RaftReplicaTest.LEADER_TIMEOUT));
        List<StoreOp> init = new ArrayList<>(List.of(new StoreOp.InitCluster(new ClusterInfo("c1", T0))));
        members.values().forEach(m -> init.add(new StoreOp.PutNode(Fixtures.node(m.id)
                .withPublicKey(Recipients.encode(m.tls.certificate().getPublicKey())))));
        submit(leader(), init.toArray(StoreOp[]::new));
    }

    @AfterEach
    void closeGroup() {
        CompletableFuture.allOf(members.values().stream().map(m -> CompletableFuture.runAsync(m.replica::close))
                .toArray(CompletableFuture[]::new)).join();
    }

    @Test
    void aManagerLeftOutOfTheRotationOpensNothingWrittenAfterIt() throws Exception {
        Member c = members.get("n3");
        submit(leader(), new StoreOp.CreateService(Fixtures.service("s1", "before", 1)));
        KeyRing oldRingOfC = c.log.ring();
        // n3 leaves the store's managers (demoted, then removed); it stays in the Raft group here,
        // so the test can watch it receive what it can no longer read.
        Node n3 = leader().store.view().nodes().get("n3");
        submit(leader(), new StoreOp.PutNode(new Node(n3.id(), n3.hostname(), Node.Role.WORKER, n3.availability(),
                n3.status(), n3.address(), n3.engineVersion(), n3.labels(), n3.createdAt(), T0, null)));

        Member leader = leader();
        int keyId = leader.log.rotate(leader.replica, Recipients.managers(leader.store.view())).get(10, TimeUnit.SECONDS);
        long rotatedAt = leader.store.appliedIndex();
        Member follower = members.values().stream().filter(m -> m != leader && m != c).findFirst().orElseThrow();
        await().atMost(10, TimeUnit.SECONDS).until(() -> follower.log.ring().contains(keyId));
        submit(leader, new StoreOp.CreateService(Fixtures.service("s2", "after", 1)));
        submit(follower, new StoreOp.CreateService(Fixtures.service("s3", "after-from-a-follower", 1)));

        assertThat(keyId).isEqualTo(2);
        await().atMost(10, TimeUnit.SECONDS).until(() -> c.store.appliedIndex() == leader.store.appliedIndex()
                && follower.store.appliedIndex() == leader.store.appliedIndex());
        for (Member m : List.of(leader, follower)) {
            assertThat(m.store.view().serviceByName("after")).isPresent();
            assertThat(m.store.view().serviceByName("after-from-a-follower")).isPresent();
            assertThat(m.log.ring().ids()).containsExactly(1, 2);
            assertThat(m.keys.load()).isEqualTo(m.log.ring()); // stored on disk too
        }
        // n3 itself went on applying, but opened nothing sealed with the new key.
        assertThat(c.log.ring()).isEqualTo(oldRingOfC);
        assertThat(c.store.view().serviceByName("before")).isPresent();
        assertThat(c.store.view().serviceByName("after")).isEmpty();
        assertThat(c.store.view().serviceByName("after-from-a-follower")).isEmpty();
        // Nor does a copy of its old ring open the log after the rotation.
        EncryptedLog oldCopy = new EncryptedLog(oldRingOfC);
        NavigableMap<Long, byte[]> after = c.applied.tailMap(rotatedAt, false);
        assertThat(after).hasSizeGreaterThanOrEqualTo(2);
        after.values().forEach(e -> assertThat(oldCopy.opens(e)).isFalse());
        c.applied.headMap(rotatedAt, false).values().forEach(e -> assertThat(oldCopy.opens(e)).isTrue());
        after.values().forEach(e -> assertThat(leader.log.opens(e)).isTrue());
    }

    @Test
    void afterAutolockIsTurnedOnAnOldCopyOfKeysOpensNoNewEntry() throws Exception {
        Member a = members.get("n1");
        submit(leader(), new StoreOp.CreateService(Fixtures.service("s1", "before", 1)));
        Path oldCopy = dir.resolve("stolen-keys");
        copy(a.keysDir, oldCopy); // raft.key and the key on disk that opens it

        // What swarm update --autolock=true does: a new data key first, then the unlock key, which
        // each manager then seals its ring with.
        Member leader = leader();
        int keyId = leader.log.rotate(leader.replica, Recipients.managers(leader.store.view())).get(10, TimeUnit.SECONDS);
        long rotatedAt = leader.store.appliedIndex();
        String unlockKey = DataKeyStore.newUnlockKey();
        submit(leader, new StoreOp.SetUnlockKey(unlockKey));
        await().atMost(10, TimeUnit.SECONDS).until(() -> a.log.ring().contains(keyId));
        a.keys.storeLocked(a.log.ring(), unlockKey);
        submit(leader, new StoreOp.CreateService(Fixtures.service("s2", "after", 1)));
        await().atMost(10, TimeUnit.SECONDS).until(() -> a.store.view().serviceByName("after").isPresent());

        EncryptedLog stolen = new EncryptedLog(new DataKeyStore(oldCopy).load());
        NavigableMap<Long, byte[]> after = a.applied.tailMap(rotatedAt, false);
        assertThat(after).hasSizeGreaterThanOrEqualTo(2); // the new unlock key and the service
        after.values().forEach(e -> assertThat(stolen.opens(e)).isFalse());
        a.applied.headMap(rotatedAt, false).values().forEach(e -> assertThat(stolen.opens(e)).isTrue());
        // The keys on disk now open everything, with the unlock key only.
        assertThat(a.keys.isLocked()).isTrue();
        EncryptedLog unlocked = new EncryptedLog(a.keys.unlock(unlockKey));
        a.applied.values().forEach(e -> assertThat(unlocked.opens(e)).isTrue());
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private static void submit(Member via, StoreOp... ops) {
        StoreReply reply = new StoreWriter(via.log.sealing(via.replica)).submit(new StoreBatch(List.of(ops)));
        assertThat(reply.ok()).as(reply.error()).isTrue();
    }

    private Member leader() {
        return await().atMost(10, TimeUnit.SECONDS).until(
                () -> members.values().stream().filter(m -> m.replica.isLeader()).findFirst().orElse(null),
                m -> m != null);
    }

    /** One manager: its replica, store, log, the entries it applied, and its data keys on disk. */
    private final class Member implements NodeKeys {
        final String id;
        final NodeTls tls;
        final EncryptedLog log;
        final ClusterStore store = new ClusterStore();
        final NavigableMap<Long, byte[]> applied = new ConcurrentSkipListMap<>();
        final Path keysDir;
        final DataKeyStore keys;
        final RaftReplica replica;

        Member(String id, NodeTls tls, KeyRing ring, RaftConfiguration config) throws IOException {
            this.id = id;
            this.tls = tls;
            this.log = new EncryptedLog(ring);
            this.keysDir = dir.resolve(id + "-keys");
            this.keys = new DataKeyStore(keysDir);
            keys.store(ring, false);
            RingKeeper keeper = r -> keys.store(r, false);
            this.replica = RaftReplica.start(config, recording(log.opening(store,
                    () -> Recipients.managerIds(store.view()), this, keeper)), new SimpleMeterRegistry());
        }

        @Override
        public String nodeId() {
            return id;
        }

        @Override
        public List<PrivateKey> privateKeys() {
            return List.of(tls.key());
        }

        private ReplicatedState recording(ReplicatedState inner) {
            return new ReplicatedState() {
                @Override
                public byte[] apply(long index, byte[] entry) {
                    applied.put(index, entry);
                    return inner.apply(index, entry);
                }

                @Override
                public long appliedIndex() {
                    return inner.appliedIndex();
                }

                @Override
                public void writeSnapshot(OutputStream out) throws IOException {
                    inner.writeSnapshot(out);
                }

                @Override
                public void readSnapshot(InputStream in) throws IOException {
                    inner.readSnapshot(in);
                }
            };
        }
    }
}
