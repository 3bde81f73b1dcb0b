package io.trellis.controlplane.atrest;

import java.security.PrivateKey;
import java.util.List;

/** Who this replica is, for opening its copy of a rotated data key. */
public interface NodeKeys {
    /** A replica that opens no copies (tools and tests without a node identity). */
    NodeKeys NONE = new NodeKeys() {
        @Override
        public String nodeId() {
            return "";
        }

        @Override
        public List<PrivateKey> privateKeys() {
            return List.of();
        }
    };

    String nodeId();

    /**
     * The node keys a copy may have been wrapped for, the current one first: a certificate renewal
     * changes the key, and the managers may wrap for the new one before this node uses it.
     */
    List<PrivateKey> privateKeys();
}
