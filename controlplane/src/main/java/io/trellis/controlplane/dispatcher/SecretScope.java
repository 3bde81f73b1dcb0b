package io.trellis.controlplane.dispatcher;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Secret;
import io.trellis.controlplane.store.SecretReference;
import io.trellis.controlplane.store.Task;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which secret values a node may hold: those referenced by a task assigned to it that has not ended
 * (swarmkit's rule). A node never receives a secret it has no task for, and forgets it once its last
 * such task has ended.
 */
final class SecretScope {
    private SecretScope() {
    }

    /** IDs of the secrets {@code nodeId} needs now. */
    static Set<String> neededBy(ClusterSnapshot view, String nodeId) {
        Set<String> ids = new TreeSet<>();
        for (Task t : view.tasksOnNode(nodeId)) {
            if (!t.status().state().isTerminal()) {
                for (SecretReference r : t.container().secrets()) {
                    if (view.secrets().containsKey(r.secretId())) {
                        ids.add(r.secretId());
                    }
                }
            }
        }
        return ids;
    }

    /** The values (base64) of {@code ids} that were not sent yet. */
    static Map<String, String> values(ClusterSnapshot view, Set<String> ids, Set<String> sent) {
        Map<String, String> values = new HashMap<>();
        for (String id : ids) {
            Secret s = view.secrets().get(id);
            if (s != null && !sent.contains(id)) {
                values.put(id, Base64.getEncoder().encodeToString(s.data()));
            }
        }
        return values;
    }

    /** The secrets sent before that {@code ids} no longer holds. */
    static List<String> removed(Set<String> sent, Set<String> ids) {
        return sent.stream().filter(id -> !ids.contains(id)).sorted().toList();
    }
}
