package io.trellis.daemon;

import static io.trellis.daemon.AdminEndpoints.body;
import static io.trellis.daemon.AdminEndpoints.guard;
import static io.trellis.daemon.AdminEndpoints.json;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.admin.Router;
import io.trellis.api.VolumeView;
import io.trellis.controlplane.api.ServiceMounts;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code volume ls/rm}: this node's own volumes, answered by any agent from its data directory (a volume is
 * local to its node, as in Docker), and the manager's {@code service update --mount-add/--mount-rm}.
 */
final class VolumeRoutes {
    private VolumeRoutes() {
    }

    static void register(Router r, AgentDaemon daemon) {
        r.get("/volumes", req -> guard(() -> json(daemon.volumes().list().stream()
                .map(v -> new VolumeView(v.name(), "local", v.mountpoint().toString(), v.usedBy())).toList())));
        r.post("/volumes/remove", req -> guard(() -> {
            Map<String, List<String>> body = body(req, new TypeReference<Map<String, List<String>>>() { });
            return json(daemon.volumes().remove(body.getOrDefault("volumes", List.of())));
        }));
    }

    /** The manager's side of {@code service update --mount-add/--mount-rm}; its state is all in the store. */
    static ServiceMounts mounts(AgentDaemon daemon) {
        ControlPlane m = daemon.manager();
        return new ServiceMounts(m.store(), m.writer(), Clock.systemUTC());
    }
}
