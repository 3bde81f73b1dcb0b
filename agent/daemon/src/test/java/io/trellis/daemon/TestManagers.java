package io.trellis.daemon;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trellis.controlplane.atrest.KeyRing;
import io.trellis.controlplane.atrest.NodeKeys;
import io.trellis.controlplane.atrest.RingKeeper;
import io.trellis.controlplane.pki.CertificateAuthority;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.raft.RaftConfiguration;
import io.trellis.controlplane.raft.RaftTimeouts;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Managers in this JVM wired as {@link ManagerRole} wires one (replica, node key, data keys sealed
 * in {@code <dir>/<id>/keys} by a {@link DataKeySealer}), without the cluster port: the first
 * creates the cluster, the others join and the leader adds them to the Raft group.
 */
final class TestManagers implements AutoCloseable {
    static final String CLUSTER = "c1";
    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    final CertificateAuthority ca = CertificateAuthority.create(CLUSTER, Clock.systemUTC());
    final List<Manager> managers = new ArrayList<>();
    private final Path dir;

    /** One manager: what its node holds on disk and in memory. */
    record Manager(SwarmIdentity id, NodeCredentials credentials, DataKeySealer sealer, ControlPlane plane,
                   Path keysDir, Path raftDir) {
    }

    TestManagers(Path dir) {
        this.dir = dir;
    }

    /** Starts {@code count} managers sharing a new ring; the first registers them all with their node keys. */
    TestManagers start(int count) throws IOException {
        KeyRing ring = KeyRing.create();
        for (int i = 1; i <= count; i++) {
            String id = "m" + i;
            NodeCredentials credentials = new NodeCredentials();
            credentials.use(ca.issueLocal(id, NodeRole.MANAGER, CLUSTER));
            Path home = dir.resolve(id);
            DataKeySealer sealer = new DataKeySealer(home.resolve("keys"));
            sealer.seal(ring, null);
            SwarmIdentity identity = new SwarmIdentity(CLUSTER, id, "127.0.0.1:" + freePort(), "127.0.0.1",
                    SwarmIdentity.MANAGER, null, List.of());
            ControlPlane plane = start(identity, home.resolve("raft"), ring, credentials.tls(), i > 1, credentials,
                    sealer);
            plane.store().addListener(sealer.follower(plane::dataKeys));
            Manager m = new Manager(identity, credentials, sealer, plane, home.resolve("keys"), home.resolve("raft"));
            managers.add(m);
            if (i == 1) {
                plane.awaitCaughtUp(CATCH_UP);
                new SelfRegistration("host-m1", home, Clock.systemUTC()).declare(plane, identity,
                        credentials.tls().certificate().getPublicKey(),
                        StoreBatch.of(new StoreOp.InitCluster(new ClusterInfo(CLUSTER, 1))));
            } else {
                managers.get(0).plane().addRaftMember(new RaftConfiguration.Peer(id, identity.raftAddress()));
                plane.awaitCaughtUp(CATCH_UP);
                new SelfRegistration("host-" + id, home, Clock.systemUTC()).declare(plane, identity,
                        credentials.tls().certificate().getPublicKey());
            }
        }
        return this;
    }

    /** A replica as a manager (or someone holding its files) starts one. */
    ControlPlane start(SwarmIdentity id, Path raftDir, KeyRing ring, NodeTls tls, boolean joining, NodeKeys self,
                       RingKeeper keeper) throws IOException {
        RaftConfiguration.Tls raftTls = new RaftConfiguration.Tls(tls.keyManager(),
                ClusterTrust.managers(ca.certificate(), CLUSTER));
        return ControlPlane.start(id, raftDir, ring, raftTls, joining, new SimpleMeterRegistry(), Clock.systemUTC(),
                self, keeper, RaftTimeouts.DEFAULT);
    }

    Manager get(String id) {
        return managers.stream().filter(m -> m.id().nodeId().equals(id)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        CompletableFuture.allOf(managers.stream().map(m -> CompletableFuture.runAsync(m.plane()::close))
                .toArray(CompletableFuture[]::new)).join();
        managers.clear();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
