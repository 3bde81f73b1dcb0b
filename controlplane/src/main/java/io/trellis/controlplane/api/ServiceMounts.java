package io.trellis.controlplane.api;

import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.Mount;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import java.time.Clock;
import java.util.List;

/**
 * A service's {@code --mount}s on {@code service create} and {@code service update --mount-add/--mount-rm}.
 * A task's mounts are made when it starts, so a change replaces the tasks one at a time, as {@code --force}
 * does (a global service's apply to its next tasks).
 */
public final class ServiceMounts {
    private final ClusterStore store;
    private final StoreWriter writer;
    private final Clock clock;

    public ServiceMounts(ClusterStore store, StoreWriter writer, Clock clock) {
        this.store = store;
        this.writer = writer;
        this.clock = clock;
    }

    /** {@code service create}: {@code base} with the mounts {@code --mount} gives. */
    public static ContainerSpec create(ContainerSpec base, List<String> mounts) {
        return mounts == null || mounts.isEmpty() ? base : base.withMounts(MountOption.parseAll("--mount", mounts));
    }

    /** Removals (by target) first, then additions, in one commit that also replaces the tasks. */
    public Service update(Service s, List<String> add, List<String> rm) {
        if (add.isEmpty() && rm.isEmpty()) {
            throw ApiException.invalid("nothing to update: give --mount-add or --mount-rm");
        }
        List<Mount> next = MountOption.update(s.name(), s.spec().container().mounts(), add, rm);
        ServiceSpec spec = s.spec().withContainer(s.spec().container().withMounts(next))
                .withForceUpdate(s.version() + 1);
        ApiCommits.commit(writer, StoreBatch.of(new StoreOp.UpdateService(s.id(), s.version(), spec, clock.millis())));
        return store.view().services().get(s.id());
    }
}
