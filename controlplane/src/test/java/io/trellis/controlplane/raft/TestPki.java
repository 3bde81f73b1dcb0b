package io.trellis.controlplane.raft;

import io.trellis.controlplane.pki.CertificateAuthority;
import io.trellis.controlplane.pki.CertificateRequests;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.pki.NodeTls;
import java.security.KeyPair;
import java.time.Clock;

/** A throw-away root CA issuing manager certificates for Raft peers under test. */
final class TestPki {
    private final CertificateAuthority ca;
    private final String clusterId;

    TestPki(String clusterId) {
        this.clusterId = clusterId;
        this.ca = CertificateAuthority.create(clusterId, Clock.systemUTC());
    }

    RaftConfiguration.Tls managerTls(String nodeId) {
        KeyPair key = CertificateRequests.newKeyPair();
        NodeTls tls = new NodeTls(key.getPrivate(), ca.issue(CertificateRequests.create(key), nodeId, NodeRole.MANAGER,
                clusterId, CertificateAuthority.NODE_VALIDITY_DEFAULT), ca.certificate());
        return new RaftConfiguration.Tls(tls.keyManager(), ClusterTrust.managers(ca.certificate(), clusterId));
    }
}
