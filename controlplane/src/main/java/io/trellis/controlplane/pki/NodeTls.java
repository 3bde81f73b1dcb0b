package io.trellis.controlplane.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * A node's TLS credentials: its key, its certificate and the cluster's root CA. The chain it
 * presents is certificate + CA, so a joining node can check the CA against its token's digest.
 */
public record NodeTls(PrivateKey key, X509Certificate certificate, X509Certificate ca) {
    public static final String PROTOCOL = "TLSv1.3";
    private static final char[] NO_PASSWORD = new char[0];

    public NodeIdentity identity() {
        return NodeIdentity.of(certificate);
    }

    public KeyManager keyManager() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("node", key, NO_PASSWORD, new X509Certificate[] {certificate, ca});
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(store, NO_PASSWORD);
            return f.getKeyManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot load this node's TLS key: " + e.getMessage(), e);
        }
    }

    /** A client or server context presenting this node's certificate and trusting {@code trust}. */
    public SSLContext sslContext(TrustManager trust) {
        return sslContext(keyManager(), trust);
    }

    /** A context presenting whatever {@code keys} presents (a {@link RenewableKeyManager}). */
    public static SSLContext sslContext(KeyManager keys, TrustManager trust) {
        return context(new KeyManager[] {keys}, trust);
    }

    /** A context for a node that has no certificate yet (joining). */
    public static SSLContext anonymous(TrustManager trust) {
        return context(null, trust);
    }

    private static SSLContext context(KeyManager[] keys, TrustManager trust) {
        try {
            SSLContext c = SSLContext.getInstance(PROTOCOL);
            c.init(keys, new TrustManager[] {trust}, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available: " + e.getMessage(), e);
        }
    }
}
