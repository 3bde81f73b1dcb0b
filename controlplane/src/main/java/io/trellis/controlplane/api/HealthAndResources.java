package io.trellis.controlplane.api;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.NodeResources;
import io.trellis.controlplane.store.Resources;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A service's health check and resources on {@code service create} and {@code service update}: the flags
 * parsed, a reservation no node could ever hold refused, and on update the new settings committed with a
 * forced version so the tasks are replaced one at a time, as {@code --force} does.
 */
public final class HealthAndResources {
    private final ClusterStore store;
    private final StoreWriter writer;
    private final Clock clock;

    public HealthAndResources(ClusterStore store, StoreWriter writer, Clock clock) {
        this.store = store;
        this.writer = writer;
        this.clock = clock;
    }

    /** {@code service create}: {@code base} with the health check and resources the flags give. */
    public static ContainerSpec create(ClusterSnapshot view, ContainerSpec base, HealthOptions health,
                                       ResourceOptions resources) {
        ContainerSpec next = base.withHealthCheck(health.create()).withResources(resources.create());
        checkReservable(view, next.resources());
        return next;
    }

    public static boolean changes(HealthOptions health, ResourceOptions resources) {
        return health.given() || resources.given();
    }

    /**
     * {@code service update}: the changed settings in one commit; when they differ from the service's, its
     * tasks are replaced (health checks and reservations are the task's own, read when it starts).
     */
    public Service update(String ref, HealthOptions health, ResourceOptions resources) {
        ClusterSnapshot view = store.view();
        Service s = view.findService(ref).orElseThrow(() -> ApiException.notFound("service " + ref + " not found"));
        ContainerSpec current = s.spec().container();
        ContainerSpec next = current.withHealthCheck(health.applyTo(current.healthCheck()))
                .withResources(resources.applyTo(current.resources()));
        if (Objects.equals(current, next)) {
            return s;
        }
        checkReservable(view, next.resources());
        ServiceSpec spec = s.spec().withContainer(next).withForceUpdate(s.version() + 1);
        ApiCommits.commit(writer, StoreBatch.of(new StoreOp.UpdateService(s.id(), s.version(), spec, clock.millis())));
        return store.view().services().get(s.id());
    }

    /**
     * Refuses a reservation larger than every node's capacity, which would leave the tasks pending for good.
     * Nodes that never reported their capacity are not judged; with none that did, nothing is refused.
     */
    static void checkReservable(ClusterSnapshot view, Resources r) {
        if (!r.reserves()) {
            return;
        }
        List<NodeResources> known = view.nodes().values().stream().map(Node::resources).filter(Objects::nonNull)
                .toList();
        if (known.isEmpty() || known.stream().anyMatch(n -> n.fits(0, 0, r))) {
            return;
        }
        long cpus = known.stream().mapToLong(NodeResources::nanoCpus).max().orElse(0);
        long memory = known.stream().mapToLong(NodeResources::memoryBytes).max().orElse(0);
        List<String> asked = new ArrayList<>();
        List<String> largest = new ArrayList<>();
        if (r.reserveNanoCpus() > 0) {
            asked.add("--reserve-cpu " + ResourceOptions.cpus(r.reserveNanoCpus()));
            largest.add(ResourceOptions.cpus(cpus) + " CPUs");
        }
        if (r.reserveMemoryBytes() > 0) {
            asked.add("--reserve-memory " + ResourceOptions.memory(r.reserveMemoryBytes()));
            largest.add(ResourceOptions.memory(memory) + " of memory");
        }
        throw ApiException.invalid("no node can reserve " + String.join(" and ", asked) + ": the most any node has is "
                + String.join(" and ", largest));
    }
}
