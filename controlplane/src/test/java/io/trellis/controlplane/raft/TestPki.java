package io.trellis.controlplane.raft;

import io.trellis.controlplane.pki.CertificateAuthority;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.pki.PeerAuthorization;
import java.time.Clock;

/**
 * A throw-away root CA issuing manager certificates for Raft peers under test. The same as
 * trellis-testing's TestPki, which the control plane cannot use: that module depends on this one.
 */
final class TestPki {
    private final CertificateAuthority ca;
    private final String clusterId;

    TestPki(String clusterId) {
        this.clusterId = clusterId;
        this.ca = CertificateAuthority.create(clusterId, Clock.systemUTC());
    }

    RaftConfiguration.Tls managerTls(String nodeId) {
        return managerTls(nodeId, PeerAuthorization.CERTIFICATE_ONLY);
    }

    /** A manager certificate for {@code nodeId}, accepting peers that {@code authorization} lets in. */
    RaftConfiguration.Tls managerTls(String nodeId, PeerAuthorization authorization) {
        return managerTls(issue(nodeId), authorization);
    }

    /** A manager's key and certificate, for tests that also need the node key itself. */
    NodeTls issue(String nodeId) {
        return ca.issueLocal(nodeId, NodeRole.MANAGER, clusterId);
    }

    RaftConfiguration.Tls managerTls(NodeTls tls, PeerAuthorization authorization) {
        return new RaftConfiguration.Tls(tls.keyManager(),
                ClusterTrust.managers(ca.certificate(), clusterId, authorization));
    }
}
