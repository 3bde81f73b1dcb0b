package io.trellis.daemon;

import io.netty.handler.ssl.SslContext;
import io.trellis.admin.AdminTls;
import io.trellis.api.client.AdminHost;
import io.trellis.cli.CliException;
import io.trellis.cli.TlsOptions;
import io.trellis.controlplane.pki.AdminCertificates;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The agent's side of {@code --tlscacert/--tlscert/--tlskey}: a TCP admin listener exists only
 * with mutual TLS, from the flags or from {@code <data-dir>/admin-tls/} (ca.pem, server-cert.pem,
 * server-key.pem — what {@code trellis swarm ca --server-cert} writes).
 */
final class AdminListenerTls {
    static final String DEFAULT_DIR = "admin-tls";

    private AdminListenerTls() {
    }

    /**
     * @return the TLS context for the TCP listeners, or {@code null} when there are none
     * @throws CliException one line: which file is missing, and how to make it
     */
    static SslContext forListeners(String host, String adminAddr, TlsOptions flags, Path dataDir) {
        boolean tcp = adminAddr != null || AdminHost.parse(host) instanceof AdminHost.Tcp;
        if (!tcp) {
            return null;
        }
        Path dir = dataDir.resolve(DEFAULT_DIR);
        Path ca = flags.caCert() != null ? flags.caCert() : dir.resolve("ca.pem");
        Path cert = flags.cert() != null ? flags.cert() : dir.resolve("server-cert.pem");
        Path key = flags.key() != null ? flags.key() : dir.resolve("server-key.pem");
        try {
            return AdminTls.server(ca, cert, key, AdminCertificates.CLIENT_OU);
        } catch (IOException e) {
            throw CliException.user("a TCP admin listener needs mutual TLS (--tlscacert, --tlscert, --tlskey or "
                    + dir + "/; trellis swarm ca --server-cert makes them): " + e.getMessage());
        }
    }
}
