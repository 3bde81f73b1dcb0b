package io.trellis.perf.raft;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trellis.controlplane.atrest.SealedBox;
import io.trellis.controlplane.raft.RaftConfiguration;
import io.trellis.daemon.ControlPlane;
import io.trellis.daemon.SwarmIdentity;
import io.trellis.testing.pki.TestPki;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Three managers in this JVM, each exactly what {@code trellis agent} runs for a manager:
 * {@link ControlPlane} (its {@code ClusterStore}, the {@code EncryptedLog} sealing every entry, a
 * Ratis replica over gRPC with mutual TLS and its log fsync'd on disk, product defaults). Formed the
 * way {@code swarm join} forms a cluster: the first starts alone, the others start as joining peers
 * and the leader adds them. The control loops are not started, so only the benchmark writes.
 */
final class ManagerGroup implements AutoCloseable {
    private static final Duration CATCH_UP = Duration.ofSeconds(30);
    private static final String CLUSTER_ID = "raftbench";

    private final List<ControlPlane> managers = new ArrayList<>();

    private ManagerGroup() {
    }

    /** Starts the group with its Raft logs under {@code dir}; every peer listens on 127.0.0.1. */
    static ManagerGroup start(Path dir, int size) throws IOException {
        TestPki pki = new TestPki(CLUSTER_ID);
        byte[] dataKey = SealedBox.newKey(); // all managers share the data key, as after a manager join
        ManagerGroup group = new ManagerGroup();
        boolean ok = false;
        try {
            for (int i = 1; i <= size; i++) {
                String id = "m" + i;
                String raftAddr = "127.0.0.1:" + freePort();
                SwarmIdentity identity = new SwarmIdentity(CLUSTER_ID, id, raftAddr, "127.0.0.1",
                        SwarmIdentity.MANAGER, null, List.of());
                ControlPlane m = ControlPlane.start(identity, dir.resolve(id), dataKey, pki.managerTls(id), i > 1,
                        new SimpleMeterRegistry(), Clock.systemUTC());
                group.managers.add(m);
                if (i == 1) {
                    m.awaitCaughtUp(CATCH_UP);
                } else {
                    group.managers.get(0).addRaftMember(new RaftConfiguration.Peer(id, raftAddr));
                    m.awaitCaughtUp(CATCH_UP);
                }
            }
            ok = true;
            return group;
        } finally {
            if (!ok) {
                group.close();
            }
        }
    }

    /** The manager that leads now (the first one, unless an election moved it). */
    ControlPlane leader() {
        return managers.stream().filter(ControlPlane::isLeader).findFirst()
                .orElseThrow(() -> new IllegalStateException("no leader among the benchmark's managers"));
    }

    /** A manager that does not lead: its writes are forwarded to the leader. */
    ControlPlane follower() {
        return managers.stream().filter(m -> !m.isLeader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no follower among the benchmark's managers"));
    }

    int members() {
        return leader().raftMembers().size();
    }

    @Override
    public void close() {
        // In parallel: each close may wait for Ratis's log worker.
        CompletableFuture.allOf(managers.stream().map(m -> CompletableFuture.runAsync(m::close))
                .toArray(CompletableFuture[]::new)).join();
        managers.clear();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
