package io.trellis.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.admin.AdminResponse;
import io.trellis.admin.AdminServer;
import io.trellis.admin.ListenerLimits;
import io.trellis.admin.Router;
import io.trellis.api.client.AdminClient;
import io.trellis.api.client.AdminHost;
import io.trellis.api.client.ClientTls;
import io.trellis.cli.CliException;
import io.trellis.cli.TlsOptions;
import io.trellis.controlplane.pki.AdminCertificates;
import io.trellis.controlplane.pki.CertificateAuthority;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.pki.Pem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API over TCP is mutual TLS with an admin certificate, nothing else. */
class AdminTcpTlsTest {
    private final CertificateAuthority cluster = CertificateAuthority.create("c1", Clock.systemUTC());
    private final CertificateAuthority other = CertificateAuthority.create("c2", Clock.systemUTC());
    private final AtomicInteger served = new AtomicInteger();
    @TempDir
    Path dir;
    private Path socketDir;
    private AdminServer server;
    private AdminHost tcp;

    @BeforeEach
    void start() throws IOException {
        Path listener = write("listener", AdminCertificates.server(cluster, "c1", java.util.List.of("127.0.0.1")),
                "server-cert.pem", "server-key.pem");
        TlsOptions flags = new TlsOptions();
        socketDir = Files.createTempDirectory(Path.of("/tmp"), "trellis-tls");
        String unix = "unix://" + socketDir.resolve("t.sock");
        var tls = AdminListenerTls.forListeners(unix, "127.0.0.1:0", flags, listener.getParent());
        server = AdminServer.start(unix, "127.0.0.1:0", tls, new Router().get("/info", req -> {
            served.incrementAndGet();
            return AdminResponse.text(200, "ok");
        }));
        tcp = server.boundHosts().get(1);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        Files.deleteIfExists(socketDir);
    }

    @Test
    void anAdminCertificateOfTheClusterCaIsServed() throws Exception {
        AdminClient.Response r = new AdminClient(tcp, client(AdminCertificates.client(cluster, "c1", "alice")))
                .send("GET", "/info", null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(served).hasValue(1);
    }

    @Test
    void noClientCertificateFailsTheHandshake() throws Exception {
        SSLContext trustOnly = SSLContext.getInstance("TLS");
        Path ca = Files.writeString(dir.resolve("only-ca.pem"), Pem.encode(cluster.certificate()));
        javax.net.ssl.TrustManagerFactory f = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", Pem.certificate(Files.readString(ca)));
        f.init(ks);
        trustOnly.init(null, f.getTrustManagers(), null);

        assertRefused(new AdminClient(tcp, trustOnly));
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        AdminCertificates.Issued foreign = AdminCertificates.client(other, "c2", "mallory");
        Path files = write("foreign", foreign, "cert.pem", "key.pem");
        // Trusts our listener, presents a certificate our CA never signed.
        Files.writeString(files.resolve("ca.pem"), Pem.encode(cluster.certificate()));

        assertRefused(new AdminClient(tcp, ClientTls.context(files.resolve("ca.pem"), files.resolve("cert.pem"),
                files.resolve("key.pem"))));
    }

    @Test
    void aNodeCertificateOfTheSameCaIsRefused() throws Exception {
        NodeTls worker = cluster.issueLocal("w1", NodeRole.WORKER, "c1");
        AdminCertificates.Issued asFiles = new AdminCertificates.Issued(Pem.encode(cluster.certificate()),
                Pem.encode(worker.certificate()), Pem.encode(worker.key()));

        assertRefused(new AdminClient(tcp, client(asFiles)));
    }

    @Test
    void aTcpListenerWithoutTlsFilesIsRefusedInOneLine() {
        assertThatThrownBy(() -> AdminListenerTls.forListeners("unix:///run/x.sock", "127.0.0.1:9323", new TlsOptions(),
                dir.resolve("empty")))
                .isInstanceOf(CliException.class)
                .hasMessageStartingWith("a TCP admin listener needs mutual TLS")
                .hasMessageContaining("ca.pem is missing or unreadable")
                .hasMessageNotContaining("\n");
        assertThat(AdminListenerTls.forListeners("unix:///run/x.sock", null, new TlsOptions(), dir)).isNull();
    }

    @Test
    void aQuietStreamingReplyOutlivesTheIdleTimeout() throws Exception {
        var tls = AdminListenerTls.forListeners("unix:///run/x.sock", "127.0.0.1:0", new TlsOptions(),
                dir.resolve("listener"));
        ListenerLimits limits = new ListenerLimits(Duration.ofSeconds(5), Duration.ofMillis(500), 8, 16, 64 * 1024);
        AdminServer follow = AdminServer.startTls("127.0.0.1:0", new Router().get("/follow", req ->
                AdminResponse.stream("text/plain", sink -> {
                    sink.write("first\n".getBytes(StandardCharsets.UTF_8));
                    // A follow with nothing new for longer than the idle timeout: the behaviour under test.
                    Thread.sleep(1_500);
                    sink.write("later\n".getBytes(StandardCharsets.UTF_8));
                })), tls, limits, refusal -> { });
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = new AdminClient(follow.boundHosts().get(0), client(AdminCertificates.client(cluster, "c1", "alice")))
                    .stream("GET", "/follow", null, out);

            assertThat(status).isEqualTo(200);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("first\nlater\n");
        } finally {
            follow.close();
        }
    }

    private void assertRefused(AdminClient client) {
        assertThatThrownBy(() -> client.send("GET", "/info", null)).isInstanceOf(IOException.class);
        assertThat(served).hasValue(0);
    }

    private SSLContext client(AdminCertificates.Issued issued) throws IOException {
        Path files = write("client-" + System.nanoTime(), issued, "cert.pem", "key.pem");
        return ClientTls.context(files.resolve("ca.pem"), files.resolve("cert.pem"), files.resolve("key.pem"));
    }

    /** Writes ca.pem and the pair into a new directory; for the listener, that is <data-dir>/admin-tls. */
    private Path write(String name, AdminCertificates.Issued issued, String certFile, String keyFile)
            throws IOException {
        Path d = Files.createDirectories(name.equals("listener")
                ? dir.resolve(name).resolve(AdminListenerTls.DEFAULT_DIR) : dir.resolve(name));
        Files.writeString(d.resolve("ca.pem"), issued.caPem());
        Files.writeString(d.resolve(certFile), issued.certificatePem());
        Files.writeString(d.resolve(keyFile), issued.keyPem());
        return d;
    }
}
