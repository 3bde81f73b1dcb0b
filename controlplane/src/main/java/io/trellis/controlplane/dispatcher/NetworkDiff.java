package io.trellis.controlplane.dispatcher;

import io.trellis.controlplane.dispatcher.EndpointMaps.NetworkMap;
import io.trellis.controlplane.protocol.ClusterMessages.NetworkChange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** What changed between the maps a session was sent and the current ones: changes only, never whole maps again. */
final class NetworkDiff {
    final List<NetworkChange> changes = new ArrayList<>();
    final List<String> removed = new ArrayList<>();

    static NetworkDiff between(Map<String, NetworkMap> sent, Map<String, NetworkMap> current) {
        NetworkDiff d = new NetworkDiff();
        for (Map.Entry<String, NetworkMap> e : current.entrySet()) {
            NetworkMap before = sent.get(e.getKey());
            NetworkMap now = e.getValue();
            NetworkChange c = new NetworkChange(e.getKey(),
                    before != null && before.info().equals(now.info()) ? null : now.info(),
                    changed(before == null ? Map.of() : before.endpoints(), now.endpoints()),
                    gone(before == null ? Map.of() : before.endpoints(), now.endpoints()),
                    changed(before == null ? Map.of() : before.services(), now.services()),
                    gone(before == null ? Map.of() : before.services(), now.services()));
            if (!c.isEmpty()) {
                d.changes.add(c);
            }
        }
        for (String id : sent.keySet()) {
            if (!current.containsKey(id)) {
                d.removed.add(id);
            }
        }
        d.changes.sort(Comparator.comparing(NetworkChange::networkId));
        d.removed.sort(Comparator.naturalOrder());
        return d;
    }

    boolean isEmpty() {
        return changes.isEmpty() && removed.isEmpty();
    }

    private static <V> List<V> changed(Map<String, V> before, Map<String, V> now) {
        List<V> out = new ArrayList<>();
        now.forEach((id, v) -> {
            if (!v.equals(before.get(id))) {
                out.add(v);
            }
        });
        return out;
    }

    private static List<String> gone(Map<String, ?> before, Map<String, ?> now) {
        return before.keySet().stream().filter(id -> !now.containsKey(id)).sorted().toList();
    }
}
