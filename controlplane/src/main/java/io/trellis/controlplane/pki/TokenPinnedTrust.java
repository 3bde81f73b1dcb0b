package io.trellis.controlplane.pki;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * What a joining node trusts before it has a certificate: a manager whose chain contains the root
 * CA named by the join token's digest, whose certificate that CA signed and whose role (subject OU)
 * is manager. This is the pin check Swarm does, made before the node sends its token or anything
 * else. The role matters: every node of the cluster holds a certificate chaining to the same CA, so
 * without it any worker could pose as "the manager" and collect the join token.
 */
public final class TokenPinnedTrust extends X509ExtendedTrustManager {
    private final JoinToken token;
    private volatile X509Certificate pinned;

    public TokenPinnedTrust(JoinToken token) {
        this.token = token;
    }

    /** The CA the manager presented, once a handshake has checked it. */
    public Optional<X509Certificate> ca() {
        return Optional.ofNullable(pinned);
    }

    private void verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length < 2) {
            throw new CertificateException("the manager did not present its root CA");
        }
        X509Certificate ca = chain[chain.length - 1];
        if (!token.matches(ca)) {
            throw new CertificateException("the manager's root CA does not match the join token "
                    + "(wrong token or wrong cluster)");
        }
        try {
            chain[0].verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CertificateException("the manager's certificate was not issued by the token's CA", e);
        }
        chain[0].checkValidity();
        NodeRole role;
        try {
            role = NodeIdentity.of(chain[0]).role();
        } catch (IllegalArgumentException e) {
            throw new CertificateException("the server's certificate is not a node certificate: " + e.getMessage(), e);
        }
        if (role != NodeRole.MANAGER) {
            throw new CertificateException("the server is a " + role.label() + ", not a manager: "
                    + "join through a manager's address");
        }
        pinned = ca;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a joining node accepts no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
