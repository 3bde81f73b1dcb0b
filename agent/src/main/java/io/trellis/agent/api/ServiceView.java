package io.trellis.agent.api;

import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import java.util.List;

/** A service with its live replica count, as {@code service ls} and {@code service inspect} show it. */
public record ServiceView(String id, String name, String mode, int running, int desired, String image,
                          String ports, long version, long createdAt, long updatedAt, ServiceSpec spec) {

    public static ServiceView of(Service s, List<Task> tasks) {
        int running = (int) tasks.stream()
                .filter(t -> t.desiredState() == TaskState.RUNNING && t.status().state() == TaskState.RUNNING)
                .count();
        return new ServiceView(s.id(), s.name(), "replicated", running, s.spec().replicas(), s.spec().image(), "",
                s.version(), s.createdAt(), s.updatedAt(), s.spec());
    }
}
