package io.trellis.cli;

import io.trellis.api.client.ClientTls;
import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/**
 * {@code --tlscacert}, {@code --tlscert}, {@code --tlskey}, as in Docker: for a client command the
 * CA the agent's certificate must chain to and the admin certificate to present; for
 * {@code trellis agent} the CA admin certificates must chain to and the listener's own certificate.
 * A mixin, so whichever command declares the connection flags can carry these too.
 */
public final class TlsOptions {
    /** Like {@code DOCKER_CERT_PATH}: a directory holding ca.pem, cert.pem and key.pem. */
    public static final String CERT_PATH_ENV = "TRELLIS_CERT_PATH";

    @Option(names = "--tlscacert", paramLabel = "FILE",
            description = "CA certificate (PEM) the other side's certificate must chain to.")
    Path caCert;

    @Option(names = "--tlscert", paramLabel = "FILE",
            description = "This side's certificate (PEM).")
    Path cert;

    @Option(names = "--tlskey", paramLabel = "FILE",
            description = "This side's private key (PKCS#8 PEM).")
    Path key;

    public Path caCert() {
        return caCert;
    }

    public Path cert() {
        return cert;
    }

    public Path key() {
        return key;
    }

    /**
     * The client's TLS context: each file from its flag, else from {@code $TRELLIS_CERT_PATH},
     * else from {@code ~/.trellis} (ca.pem, cert.pem, key.pem).
     *
     * @throws CliException one line naming the file that is missing or wrong
     */
    public SSLContext clientContext() {
        String env = System.getenv(CERT_PATH_ENV);
        Path dir = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".trellis");
        try {
            return ClientTls.context(caCert != null ? caCert : dir.resolve("ca.pem"),
                    cert != null ? cert : dir.resolve("cert.pem"), key != null ? key : dir.resolve("key.pem"));
        } catch (IOException e) {
            throw CliException.user("the admin API over TCP needs mutual TLS (trellis swarm ca --client-cert on a "
                    + "manager makes the files): " + e.getMessage());
        }
    }
}
