package io.trellis.controlplane.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** A joining node talks only to a manager of the cluster its token names, and sends nothing to anyone else. */
class TokenPinnedTrustTest {
    private static final String SECRET = "the join token";

    private final CertificateAuthority ca = CertificateAuthority.create("c1", Clock.systemUTC());
    private final JoinToken token = JoinToken.generate(ca.certificate());

    @Test
    void aWorkerCertificateOfTheClusterIsRefusedBeforeTheTokenIsSent() throws Exception {
        ServerRecord server = serve(ca.issueLocal("w1", NodeRole.WORKER, "c1"));

        assertThatThrownBy(() -> join(server.port()))
                .isInstanceOf(SSLHandshakeException.class)
                .hasStackTraceContaining("the server is a worker, not a manager");
        assertThat(server.received().get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aManagerCertificateOfTheClusterIsTrustedAndPinsTheCa() throws Exception {
        ServerRecord server = serve(ca.issueLocal("m1", NodeRole.MANAGER, "c1"));
        TokenPinnedTrust trust = new TokenPinnedTrust(token);

        join(server.port(), trust);

        assertThat(server.received().get(10, TimeUnit.SECONDS)).isEqualTo(SECRET);
        assertThat(trust.ca()).contains(ca.certificate());
    }

    private record ServerRecord(int port, CompletableFuture<String> received) {
    }

    /** A TLS server presenting {@code identity} that records what the client sent before closing. */
    private static ServerRecord serve(NodeTls identity) throws Exception {
        SSLServerSocket listener = (SSLServerSocket) identity.sslContext(ClusterTrust.anyNode(identity.ca(), "c1"))
                .getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
            try (listener; SSLSocket s = (SSLSocket) listener.accept()) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (Exception handshakeRefused) {
                return "";
            }
        });
        return new ServerRecord(listener.getLocalPort(), received);
    }

    private void join(int port) throws Exception {
        join(port, new TokenPinnedTrust(token));
    }

    private static void join(int port, TokenPinnedTrust trust) throws Exception {
        try (SSLSocket s = (SSLSocket) NodeTls.anonymous(trust).getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(SECRET.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
