package io.trellis.agent.api;

import io.trellis.controlplane.orchestrator.NodeEligibility;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import java.util.List;
import java.util.Locale;

/** A service with its live replica count, as {@code service ls} and {@code service inspect} show it. */
public record ServiceView(String id, String name, String mode, int running, int desired, String image,
                          String ports, long version, long createdAt, long updatedAt, ServiceSpec spec) {

    /** A replicated service's view; a global one's desired count needs the nodes (see the other factory). */
    public static ServiceView of(Service s, List<Task> tasks) {
        return of(s, tasks, s.spec().replicas());
    }

    /** The desired count of a global service is the number of nodes that should run one of its tasks. */
    public static ServiceView of(Service s, ClusterSnapshot view) {
        return of(s, view.tasksOf(s.id()),
                s.spec().global() ? NodeEligibility.globalDesired(s, view) : s.spec().replicas());
    }

    private static ServiceView of(Service s, List<Task> tasks, int desired) {
        int running = (int) tasks.stream()
                .filter(t -> t.desiredState() == TaskState.RUNNING && t.status().state() == TaskState.RUNNING)
                .count();
        return new ServiceView(s.id(), s.name(), s.spec().mode().name().toLowerCase(Locale.ROOT), running, desired,
                s.spec().image(), "", s.version(), s.createdAt(), s.updatedAt(), s.spec());
    }
}
