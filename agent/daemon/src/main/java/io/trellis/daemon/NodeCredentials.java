package io.trellis.daemon;

import io.trellis.controlplane.atrest.NodeKeys;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.pki.RenewableKeyManager;
import java.security.PrivateKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * This node's certificate now, and the key manager that presents it on every endpoint (cluster
 * port, Raft, session); a renewal swaps the certificate under endpoints that are already open.
 * Changed only with the daemon's lock held. Also what the Raft replica opens its copies of rotated
 * data keys with: the current node key, and the few before and after it around a renewal.
 */
final class NodeCredentials implements NodeKeys {
    /** Keys kept for copies wrapped around a renewal: the one being renewed to, the current, the one before. */
    private static final int RECENT_KEYS = 3;

    private volatile NodeTls tls;
    private volatile RenewableKeyManager keys;
    private final Deque<PrivateKey> recent = new ArrayDeque<>(); // guarded by itself

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
        remember(next.key());
        if (keys == null) {
            keys = new RenewableKeyManager(next.keyManager());
        } else {
            keys.use(next.keyManager());
        }
    }

    /**
     * A key this node is about to renew its certificate with: the managers record it with the
     * renewal, and may wrap a rotated data key for it before {@link #use} makes it current.
     */
    void expect(PrivateKey next) {
        remember(next);
    }

    private void remember(PrivateKey key) {
        synchronized (recent) {
            recent.remove(key);
            recent.addFirst(key);
            while (recent.size() > RECENT_KEYS) {
                recent.removeLast();
            }
        }
    }

    /** After {@code swarm leave}: a later init or join starts from new credentials. */
    void forget() {
        tls = null;
        keys = null;
        synchronized (recent) {
            recent.clear();
        }
    }

    @Override
    public String nodeId() {
        NodeTls t = tls;
        return t == null ? "" : t.identity().nodeId();
    }

    @Override
    public List<PrivateKey> privateKeys() {
        NodeTls t = tls;
        List<PrivateKey> result = new ArrayList<>();
        if (t != null) {
            result.add(t.key());
        }
        synchronized (recent) {
            recent.stream().filter(k -> !result.contains(k)).forEach(result::add);
        }
        return result;
    }
}
