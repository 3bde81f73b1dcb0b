package io.trellis.daemon.secrets;

import io.trellis.controlplane.protocol.ClusterMessages;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secret values this node's tasks need, as the dispatcher sent them: in memory only, never on
 * disk. A full answer replaces them all; the dispatcher takes back what no task here needs any more.
 */
public final class NodeSecrets {
    private final Map<String, byte[]> values = new ConcurrentHashMap<>();

    /** Applies one assignments answer; called on the session's thread before the worker hears of its tasks. */
    public void apply(ClusterMessages.Assignments a) {
        if (a.full()) {
            values.keySet().retainAll(a.secrets().keySet());
        }
        a.removedSecrets().forEach(values::remove);
        a.secrets().forEach((id, b64) -> values.put(id, Base64.getDecoder().decode(b64)));
    }

    /** A copy of the value of {@code secretId}, or null when this node does not hold it. */
    public byte[] value(String secretId) {
        byte[] v = values.get(secretId);
        return v == null ? null : v.clone();
    }

    public int size() {
        return values.size();
    }

    public void clear() {
        values.clear();
    }
}
