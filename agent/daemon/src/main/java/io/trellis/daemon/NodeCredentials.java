package io.trellis.daemon;

import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.pki.RenewableKeyManager;

/**
 * This node's certificate now, and the key manager that presents it on every endpoint (cluster
 * port, Raft, session); a renewal swaps the certificate under endpoints that are already open.
 * Changed only with the daemon's lock held.
 */
final class NodeCredentials {
    private volatile NodeTls tls;
    private volatile RenewableKeyManager keys;

    /** This node's certificate, key and CA; null while it is not part of a swarm. */
    NodeTls tls() {
        return tls;
    }

    /** Presents {@link #tls()}' certificate; null while this node is not part of a swarm. */
    RenewableKeyManager keys() {
        return keys;
    }

    /** Makes {@code next} this node's credentials on every endpoint, existing ones included. */
    void use(NodeTls next) {
        tls = next;
        if (keys == null) {
            keys = new RenewableKeyManager(next.keyManager());
        } else {
            keys.use(next.keyManager());
        }
    }

    /** After {@code swarm leave}: a later init or join starts from new credentials. */
    void forget() {
        tls = null;
        keys = null;
    }
}
