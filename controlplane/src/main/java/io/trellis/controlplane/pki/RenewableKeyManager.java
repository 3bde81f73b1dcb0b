package io.trellis.controlplane.pki;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The node's key manager for every TLS endpoint (Raft, cluster port, sessions), swappable at run
 * time: after a certificate renewal or a role change the next handshake presents the new
 * certificate, without restarting servers or dropping connections.
 */
public final class RenewableKeyManager extends X509ExtendedKeyManager {
    private volatile X509ExtendedKeyManager current;

    public RenewableKeyManager(KeyManager initial) {
        use(initial);
    }

    /** Presents {@code next}'s certificate from the next handshake on. */
    public void use(KeyManager next) {
        if (!(next instanceof X509ExtendedKeyManager x)) {
            throw new IllegalArgumentException("not an X.509 key manager: " + next);
        }
        current = x;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return current.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return current.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return current.chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return current.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return current.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return current.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return current.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return current.getPrivateKey(alias);
    }
}
