package io.trellis.controlplane.pki;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Decides which TLS peers belong to this cluster: the leaf certificate must be valid now, signed by
 * the cluster's root CA, issued for this cluster (subject O) and carry one of the accepted roles
 * (subject OU). Nodes are identified by certificate, not by address — node certificates carry no
 * host names, and a node's address may change — so this is an {@link X509ExtendedTrustManager}:
 * the JDK then skips its host-name check instead of wrapping us in one. A {@link PeerAuthorization}
 * then asks whether the node is still allowed in, refusing the handshake otherwise.
 */
public final class ClusterTrust extends X509ExtendedTrustManager {
    private final X509Certificate ca;
    private final String clusterId;
    private final Set<NodeRole> roles;
    private final PeerAuthorization authorization;

    private ClusterTrust(X509Certificate ca, String clusterId, Set<NodeRole> roles, PeerAuthorization authorization) {
        this.ca = ca;
        this.clusterId = clusterId;
        this.roles = roles;
        this.authorization = authorization;
    }

    /** Any node of the cluster: the dispatcher and the cluster API. */
    public static ClusterTrust anyNode(X509Certificate ca, String clusterId) {
        return new ClusterTrust(ca, clusterId, EnumSet.allOf(NodeRole.class), PeerAuthorization.CERTIFICATE_ONLY);
    }

    /** Managers only: Raft replication and membership. */
    public static ClusterTrust managers(X509Certificate ca, String clusterId) {
        return managers(ca, clusterId, PeerAuthorization.CERTIFICATE_ONLY);
    }

    /** Managers that {@code authorization} still accepts: Raft between the current managers. */
    public static ClusterTrust managers(X509Certificate ca, String clusterId, PeerAuthorization authorization) {
        return new ClusterTrust(ca, clusterId, EnumSet.of(NodeRole.MANAGER), authorization);
    }

    /**
     * Checks a peer's chain and returns who it is.
     *
     * @throws CertificateException with a one-line reason when the peer does not belong
     */
    public NodeIdentity verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the peer sent no certificate");
        }
        X509Certificate leaf = chain[0];
        try {
            leaf.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CertificateException("the peer's certificate was not issued by this cluster's CA", e);
        }
        leaf.checkValidity();
        NodeIdentity id;
        try {
            id = NodeIdentity.of(leaf);
        } catch (IllegalArgumentException e) {
            throw new CertificateException("the peer's certificate is not a node certificate: " + e.getMessage(), e);
        }
        if (!clusterId.equals(id.clusterId())) {
            throw new CertificateException("the peer's certificate is for cluster " + id.clusterId() + ", not " + clusterId);
        }
        if (!roles.contains(id.role())) {
            throw new CertificateException("the peer is a " + id.role().label() + "; this connection needs a "
                    + (roles.size() == 1 ? roles.iterator().next().label() : "cluster node"));
        }
        String refusal = authorization.refusal(id);
        if (refusal != null) {
            throw new CertificateException(refusal);
        }
        return id;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[] {ca};
    }
}
