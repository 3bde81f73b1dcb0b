package io.trellis.testing.pki;

import io.trellis.controlplane.pki.CertificateAuthority;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.raft.RaftConfiguration;
import java.time.Clock;

/**
 * A throw-away cluster CA issuing manager certificates, so Raft peers under test or benchmark talk
 * the same mutual TLS as real managers: a CA-signed certificate with the manager role, checked by
 * {@link ClusterTrust#managers} on both ends (as the agent's {@code ManagerRole} wires it).
 */
public final class TestPki {
    private final CertificateAuthority ca;
    private final String clusterId;

    public TestPki(String clusterId) {
        this.clusterId = clusterId;
        this.ca = CertificateAuthority.create(clusterId, Clock.systemUTC());
    }

    public RaftConfiguration.Tls managerTls(String nodeId) {
        NodeTls tls = ca.issueLocal(nodeId, NodeRole.MANAGER, clusterId);
        return new RaftConfiguration.Tls(tls.keyManager(), ClusterTrust.managers(ca.certificate(), clusterId));
    }
}
