package io.trellis.controlplane.atrest;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Who a rotated data key is wrapped for: the store's managers, by the node keys it records ({@link Node#publicKey}). */
public final class Recipients {
    private Recipients() {
    }

    /** How {@link Node#publicKey} holds a key: base64 of its X.509 SubjectPublicKeyInfo. */
    public static String encode(byte[] subjectPublicKeyInfo) {
        return Base64.getEncoder().encodeToString(subjectPublicKeyInfo);
    }

    public static String encode(PublicKey key) {
        return encode(key.getEncoded());
    }

    /** @throws IllegalArgumentException when {@code text} is not an EC public key */
    public static PublicKey decode(String text) {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(text)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an EC public key: " + e.getMessage(), e);
        }
    }

    /**
     * Every node the store holds as a manager, with its node key. Removed and demoted nodes are
     * workers or gone, so they get no copy.
     *
     * @throws IllegalStateException naming a manager whose key is not on record: rotating without it
     *     would leave that manager unable to read the log
     */
    public static Map<String, PublicKey> managers(ClusterSnapshot view) {
        Map<String, PublicKey> managers = new TreeMap<>();
        for (String id : managerIds(view)) {
            Node n = view.nodes().get(id);
            if (n.publicKey() == null) {
                throw new IllegalStateException("manager " + n.hostname() + " (" + n.id() + ") has no node key on "
                        + "record yet; it records one when it restarts or renews its certificate");
            }
            managers.put(n.id(), decode(n.publicKey()));
        }
        if (managers.isEmpty()) {
            throw new IllegalStateException("the store holds no manager to give a new data key to");
        }
        return managers;
    }

    /** The IDs of the store's managers: a rotation counts only when wrapped for exactly these. */
    public static Set<String> managerIds(ClusterSnapshot view) {
        Set<String> ids = new TreeSet<>();
        for (Node n : view.nodes().values()) {
            if (n.role() == Node.Role.MANAGER && (view.cluster() == null || !view.cluster().removed(n.id()))) {
                ids.add(n.id());
            }
        }
        return ids;
    }
}
