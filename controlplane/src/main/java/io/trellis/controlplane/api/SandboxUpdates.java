package io.trellis.controlplane.api;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code service update --user/--cap-add/--cap-drop/--runtime}, as Docker's: {@code --cap-add} adds to the kept
 * capabilities (and takes the name off the dropped ones), {@code --cap-drop} the other way round. A changed
 * container spec makes the tasks outdated, so the orchestrator rolls them by the service's update config.
 */
public final class SandboxUpdates {
    private final ClusterStore store;
    private final StoreWriter writer;
    private final Clock clock;

    public SandboxUpdates(ClusterStore store, StoreWriter writer, Clock clock) {
        this.store = store;
        this.writer = writer;
        this.clock = clock;
    }

    public static boolean changes(String user, List<String> capAdd, List<String> capDrop, String runtime) {
        return user != null || runtime != null || !capAdd.isEmpty() || !capDrop.isEmpty();
    }

    /** {@code current} with the flags applied; one line for a bad value, checked before anything is written. */
    public static ContainerSpec apply(ContainerSpec current, String user, List<String> capAdd, List<String> capDrop,
                                      String runtime) {
        List<String> add = SandboxOptions.capabilities("--cap-add", capAdd, false);
        List<String> drop = SandboxOptions.capabilities("--cap-drop", capDrop, true);
        SandboxOptions.notBoth(add, drop);
        List<String> kept = merge(current.capAdd(), add, drop);
        List<String> dropped = merge(current.capDrop(), drop, add);
        ContainerSpec next = current.withCapabilities(kept, dropped);
        if (user != null) {
            next = next.withUser(SandboxOptions.user(user));
        }
        if (runtime != null) {
            next = next.withRuntime(RuntimeOption.parse(runtime));
        }
        return next;
    }

    private static List<String> merge(List<String> current, List<String> plus, List<String> minus) {
        List<String> out = new ArrayList<>(current);
        out.removeAll(minus);
        for (String c : plus) {
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Commits the new container spec when it differs; returns the service as stored afterwards. */
    public Service update(String serviceId, String user, List<String> capAdd, List<String> capDrop, String runtime) {
        ClusterSnapshot view = store.view();
        Service s = view.services().get(serviceId);
        if (s == null) {
            throw ApiException.notFound("service " + serviceId + " not found");
        }
        ContainerSpec next = apply(s.spec().container(), user, capAdd, capDrop, runtime);
        if (next.equals(s.spec().container())) {
            return s;
        }
        ApiCommits.commit(writer, StoreBatch.of(new StoreOp.UpdateService(s.id(), s.version(),
                s.spec().withContainer(next), clock.millis())));
        return store.view().services().get(s.id());
    }
}
