package io.trellis.daemon;

import io.trellis.admin.AdminRequest;
import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.pki.AdminCertificates;
import io.trellis.controlplane.pki.CertificateAuthority;
import io.trellis.controlplane.pki.Pem;
import io.trellis.controlplane.store.ClusterInfo;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /swarm/ca/admin-certificate}: a key and certificate for the admin API over TCP,
 * signed by the cluster CA this manager holds. Served on the Unix socket only: a TCP admin client
 * could otherwise turn one stolen, soon-expiring certificate into fresh ones for ever.
 */
final class AdminCertificateIssuer {
    private final AgentDaemon daemon;

    AdminCertificateIssuer(AgentDaemon daemon) {
        this.daemon = daemon;
    }

    /** What {@code trellis swarm ca} sends. */
    record Request(String kind, String name, List<String> names) {
    }

    Map<String, Object> issue(AdminRequest http, Request r) {
        if (!http.peerCertificates().isEmpty()) {
            throw new ApiException(ApiException.Kind.FORBIDDEN,
                    "admin certificates are issued on a manager's Unix socket only, not over TCP");
        }
        ClusterInfo cluster = daemon.manager().store().view().cluster();
        if (cluster == null || cluster.rootCaKey() == null) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "this swarm has no CA yet");
        }
        CertificateAuthority ca = new CertificateAuthority(Pem.certificate(cluster.rootCaCertificate()),
                Pem.privateKey(cluster.rootCaKey()), Clock.systemUTC());
        AdminCertificates.Issued issued;
        try {
            issued = switch (r.kind() == null ? "" : r.kind()) {
                case "client" -> AdminCertificates.client(ca, cluster.id(), r.name());
                case "server" -> AdminCertificates.server(ca, cluster.id(), r.names());
                default -> throw ApiException.invalid("kind must be client or server, not \"" + r.kind() + "\"");
            };
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        return Map.of("ca", issued.caPem(), "certificate", issued.certificatePem(), "key", issued.keyPem(),
                "validityDays", AdminCertificates.VALIDITY.toDays());
    }
}
