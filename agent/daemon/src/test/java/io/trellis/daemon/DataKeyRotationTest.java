package io.trellis.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.atrest.DataKeyStore;
import io.trellis.controlplane.atrest.KeyRing;
import io.trellis.controlplane.atrest.NodeKeys;
import io.trellis.controlplane.atrest.RingKeeper;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's triggers for a new Raft data key, over real replicas: turning autolock on, rotating
 * the unlock key, demoting a manager. What must hold afterwards is checked the way a thief would
 * try: a replica started over the Raft log with the keys taken earlier.
 */
class DataKeyRotationTest {
    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private TestManagers group;

    @AfterEach
    void close() {
        if (group != null) {
            group.close();
        }
    }

    @Test
    void afterAutolockIsTurnedOnAnOldCopyOfKeysOpensNothingWrittenAfter() throws Exception {
        group = new TestManagers(dir.resolve("swarm")).start(1);
        TestManagers.Manager m1 = group.get("m1");
        createService(m1.plane(), "before");
        Path stolen = copy(m1.keysDir(), dir.resolve("stolen-keys")); // raft.key and unlock.key, as on disk now

        String unlockKey = new Autolock(m1.plane().store(), m1.plane().writer(), m1.plane()::rotateDataKey).set(true);
        createService(m1.plane(), "after");

        assertThat(m1.plane().dataKeys().ids()).containsExactly(1, 2);
        await().atMost(5, TimeUnit.SECONDS).until(m1.sealer()::isLocked);
        group.close();

        // The thief: the Raft log as it is now, the keys as they were, no node key.
        ClusterStore seen = replay(new DataKeyStore(stolen).load(), List.of(m1), dir.resolve("stolen"));
        assertThat(seen.view().serviceByName("before")).isPresent();
        assertThat(seen.view().serviceByName("after")).isEmpty();
        assertThat(seen.view().cluster().unlockKey()).as("the entry with the new unlock key").isNull();

        // The manager itself: its keys on disk now open only with the unlock key, and open everything.
        assertThatThrownBy(() -> new DataKeyStore(m1.keysDir()).load()).isInstanceOf(DataKeyStore.LockedException.class);
        ClusterStore own = replay(new DataKeyStore(m1.keysDir()).unlock(unlockKey), List.of(m1), dir.resolve("own"));
        assertThat(own.view().serviceByName("after")).isPresent();
        assertThat(own.view().cluster().unlockKey()).isEqualTo(unlockKey);
    }

    @Test
    void rotatingTheUnlockKeyRotatesTheDataKeyToo() throws Exception {
        group = new TestManagers(dir.resolve("swarm")).start(1);
        TestManagers.Manager m1 = group.get("m1");
        Autolock autolock = new Autolock(m1.plane().store(), m1.plane().writer(), m1.plane()::rotateDataKey);
        String first = autolock.set(true);
        await().atMost(5, TimeUnit.SECONDS).until(m1.sealer()::isLocked);
        Path stolen = copy(m1.keysDir(), dir.resolve("stolen-keys")); // sealed with an unlock key that leaked

        String second = autolock.rotate();
        createService(m1.plane(), "after");

        assertThat(m1.plane().dataKeys().ids()).containsExactly(1, 2, 3);
        await().atMost(5, TimeUnit.SECONDS).until(() -> opensWith(m1.keysDir(), second));
        group.close();
        ClusterStore seen = replay(new DataKeyStore(stolen).unlock(first), List.of(m1), dir.resolve("stolen"));
        assertThat(seen.view().serviceByName("after")).isEmpty();
        assertThat(seen.view().cluster().unlockKey()).isEqualTo(first);
    }

    @Test
    void aDemotedManagerIsLeftOutOfTheNextKey() throws Exception {
        group = new TestManagers(dir.resolve("swarm")).start(3);
        TestManagers.Manager m1 = group.get("m1");
        await().atMost(10, TimeUnit.SECONDS).until(m1.plane()::isLeader);
        KeyRing before = group.get("m3").plane().dataKeys();

        String said = new MembershipChanges(m1.plane(), Clock.systemUTC()).demote("m3");

        assertThat(said).isEqualTo("Manager host-m3 demoted in the swarm.");
        assertThat(m1.plane().dataKeys().ids()).containsExactly(1, 2);
        await().atMost(10, TimeUnit.SECONDS).until(() -> group.get("m2").plane().dataKeys().contains(2));
        assertThat(new DataKeyStore(group.get("m2").keysDir()).load()).isEqualTo(m1.plane().dataKeys());
        assertThat(group.get("m3").plane().dataKeys()).isEqualTo(before);
        assertThat(new DataKeyStore(group.get("m3").keysDir()).load()).isEqualTo(before);
        createService(m1.plane(), "after");
        List<TestManagers.Manager> remaining = List.of(m1, group.get("m2"));
        group.close();

        // m3's keys and the log the remaining managers wrote (a quorum of them, to replay it).
        ClusterStore seen = replay(before, remaining, dir.resolve("stolen"));
        assertThat(seen.view().nodes()).containsKey("m3");
        assertThat(seen.view().serviceByName("after")).isEmpty();
    }

    @Test
    void autolockIsNotTurnedOnWhenTheDataKeyCannotBeRotated() {
        ClusterStore store = new ClusterStore();
        AtomicLong index = new AtomicLong();
        StoreWriter writer = new StoreWriter(e -> CompletableFuture.completedFuture(store.apply(index.incrementAndGet(), e)));
        writer.submit(StoreBatch.of(new StoreOp.InitCluster(new ClusterInfo("c1", 1))));
        List<String> calls = new ArrayList<>();
        Autolock refused = new Autolock(store, writer, () -> {
            throw new IllegalStateException("manager x has no node key on record yet");
        });

        assertThatThrownBy(() -> refused.set(true)).isInstanceOf(ApiException.class)
                .hasMessageContaining("the unlock key was not changed: manager x has no node key");
        assertThat(store.view().cluster().unlockKey()).isNull();

        Autolock autolock = new Autolock(store, writer, () -> calls.add("rotated at unlock key "
                + store.view().cluster().unlockKey()));
        String key = autolock.set(true);
        assertThat(calls).containsExactly("rotated at unlock key null"); // before the new unlock key
        autolock.set(false);
        assertThat(calls).hasSize(1); // turning it off puts the keys on disk: nothing to rotate for
        assertThat(key).startsWith(DataKeyStore.UNLOCK_KEY_PREFIX);
    }

    /**
     * Starts replicas over copies (under {@code under}) of the Raft logs of {@code managers}, all with
     * {@code ring} and no node key, and returns what the first could read once it caught up.
     */
    private ClusterStore replay(KeyRing ring, List<TestManagers.Manager> managers, Path under) throws IOException {
        List<ControlPlane> replicas = new ArrayList<>();
        try {
            for (TestManagers.Manager m : managers) {
                Path raft = copy(m.raftDir(), under.resolve(m.id().nodeId()));
                replicas.add(group.start(m.id(), raft, ring, m.credentials().tls(), false, NodeKeys.NONE,
                        RingKeeper.NONE));
            }
            replicas.get(0).awaitCaughtUp(CATCH_UP);
            return replicas.get(0).store();
        } finally {
            CompletableFuture.allOf(replicas.stream().map(r -> CompletableFuture.runAsync(r::close))
                    .toArray(CompletableFuture[]::new)).join();
        }
    }

    private static boolean opensWith(Path keysDir, String unlockKey) {
        try {
            new DataKeyStore(keysDir).unlock(unlockKey);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void createService(ControlPlane m, String name) {
        Service s = new Service(name, new ServiceSpec(name, "img", List.of("run"), List.of(), 1), 1, 1, 1);
        assertThat(m.writer().submit(StoreBatch.of(new StoreOp.CreateService(s))).ok()).isTrue();
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return to;
    }
}
