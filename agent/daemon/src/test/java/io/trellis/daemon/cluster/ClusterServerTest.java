package io.trellis.daemon.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trellis.admin.ListenerLimits;
import io.trellis.controlplane.ca.Admission;
import io.trellis.controlplane.dispatcher.Dispatcher;
import io.trellis.controlplane.pki.CertificateAuthority;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.store.Node;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
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
    /** Short timeouts so the flood test waits seconds, not minutes. */
    private static final ListenerLimits LIMITS = new ListenerLimits(Duration.ofMillis(1_500), Duration.ofSeconds(3),
            32, 256, 64 * 1024);
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
        server = ClusterServer.start(address, manager.keyManager(), manager, new ClusterRoutes(() -> m, metrics), metrics,
                LIMITS);
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

    @Test
    void aFloodOfIdleAnonymousConnectionsIsShedAndMembersAreStillServed() throws Exception {
        long baseline = openFileDescriptors();
        List<Socket> flood = new ArrayList<>();
        try {
            // 1,000 connections that never start TLS, from four loopback addresses (the per-address
            // cap is 32, the total 256): the excess is closed at once, the rest at the handshake timeout.
            for (int i = 0; i < 1_000; i++) {
                Socket s = new Socket();
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i % 4)), 0));
                s.connect(new InetSocketAddress("127.0.0.1", port()), 5_000);
                s.setSoTimeout(1);
                flood.add(s);
            }

            NodeTls worker = node(ours, "ours", "w1", NodeRole.WORKER);
            ClusterException served = assertThrows(ClusterException.class, () -> ClusterClient.member(worker)
                    .post(address, "/v1/heartbeat", Map.of(), Map.class, Duration.ofSeconds(5)));
            assertThat(served.status()).isEqualTo(ClusterException.NOT_LEADER);

            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> flood.stream().allMatch(ClusterServerTest::closedByPeer));
            // Every flood connection was cut by a cap or by the handshake timeout, some by the caps.
            double overLimit = refused("connection-limit");
            assertThat(overLimit).isPositive();
            assertThat(overLimit + refused("handshake")).isEqualTo(1_000);
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> openFileDescriptors() <= baseline + 10);
    }

    @Test
    void anAnonymousRequestBodyIsKeptSmall() throws Exception {
        try (SSLSocket s = (SSLSocket) NodeTls.anonymous(ClusterTrust.anyNode(ours.certificate(), "ours"))
                .getSocketFactory().createSocket("127.0.0.1", port())) {
            s.setSoTimeout(5_000);
            byte[] body = new byte[100 * 1024];
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/join HTTP/1.1\r\nHost: " + address + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String reply = new String(s.getInputStream().readNBytes(200), StandardCharsets.UTF_8);
            assertThat(reply).startsWith("HTTP/1.1 413").contains("at most 65536 bytes");
        }
    }

    private double refused(String reason) {
        return metrics.find("trellis.cluster.refused").tag("reason", reason).counter().count();
    }

    private int port() {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1));
    }

    /** True when the server has closed {@code s}: a read sees EOF or a reset instead of waiting. */
    private static boolean closedByPeer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
