package io.trellis.daemon.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trellis.controlplane.ca.Admission;
import io.trellis.controlplane.dispatcher.Dispatcher;
import io.trellis.controlplane.pki.CertificateAuthority;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.store.Node;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cluster port's mutual TLS: who gets in, and the one line each side says when refused. */
class ClusterServerTest {
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final CertificateAuthority ours = CertificateAuthority.create("ours", Clock.systemUTC());
    private final CertificateAuthority theirs = CertificateAuthority.create("theirs", Clock.systemUTC());
    private ClusterServer server;
    private String address;

    private static NodeTls node(CertificateAuthority ca, String cluster, String id, NodeRole role) {
        return ca.issueLocal(id, role, cluster);
    }

    @BeforeEach
    void start() throws Exception {
        NodeTls manager = node(ours, "ours", "m1", NodeRole.MANAGER);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        address = "127.0.0.1:" + port;
        ClusterRoutes.Backend m = new ClusterRoutes.Backend() {
            public Admission admission() {
                throw new UnsupportedOperationException();
            }

            public Dispatcher dispatcher() {
                throw new Dispatcher.NotLeaderException("this manager is not the leader");
            }

            public ClusterTrust trust() {
                return ClusterTrust.anyNode(ours.certificate(), "ours");
            }

            public void addRaftMember(String nodeId, String raftAddr) {
            }

            public Optional<String> leaderAddress() {
                return Optional.of("10.0.0.9:2377");
            }

            public Optional<Node> node(String nodeId) {
                return Optional.of(new Node(nodeId, nodeId, Node.Role.WORKER, Node.Availability.ACTIVE,
                        Node.Status.READY, "", "", Map.of(), 0, 0, null));
            }
        };
        server = ClusterServer.start(address, manager.keyManager(), manager, new ClusterRoutes(() -> m, metrics), metrics);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aMemberIsServedAndRedirectedToTheLeader() {
        NodeTls worker = node(ours, "ours", "w1", NodeRole.WORKER);
        ClusterException e = assertThrows(ClusterException.class, () -> ClusterClient.member(worker)
                .post(address, "/v1/heartbeat", Map.of(), Map.class, Duration.ofSeconds(5)));
        assertThat(e.status()).isEqualTo(ClusterException.NOT_LEADER);
        assertThat(e.leader()).isEqualTo("10.0.0.9:2377");
    }

    @Test
    void aNodeOfAnotherClusterIsRefusedOnBothSides() {
        NodeTls stranger = node(theirs, "theirs", "x1", NodeRole.MANAGER);
        ClusterException e = assertThrows(ClusterException.class, () -> ClusterClient.member(stranger)
                .post(address, "/v1/heartbeat", Map.of(), Map.class, Duration.ofSeconds(5)));
        assertThat(e.unreachable()).isTrue();
        assertThat(e.getMessage()).contains("not issued by this cluster's CA");
        assertThat(metrics.find("trellis.cluster.refused").tag("route", "tls").counter()).isNotNull();
    }
}
