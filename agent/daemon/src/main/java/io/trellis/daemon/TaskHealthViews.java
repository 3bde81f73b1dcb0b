package io.trellis.daemon;

import io.trellis.api.HealthView;
import io.trellis.api.NodeView;
import io.trellis.controlplane.store.NodeResources;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskHealth;
import io.trellis.controlplane.store.TaskState;

/** Task health and node resources in the admin API's views, and which tasks count as up in REPLICAS. */
final class TaskHealthViews {
    private TaskHealthViews() {
    }

    static HealthView health(TaskHealth h) {
        if (h.status() == TaskHealth.Status.NONE) {
            return HealthView.NONE;
        }
        return new HealthView(h.status().display(), h.failingStreak(), h.log().stream()
                .map(r -> new HealthView.Result(r.start(), r.end(), r.exitCode(), r.output())).toList());
    }

    static NodeView.Resources resources(NodeResources r) {
        return r == null ? null : new NodeView.Resources(r.nanoCpus(), r.memoryBytes());
    }

    /** Running and meant to run; with a health check, also healthy (as Swarm counts a service's replicas). */
    static boolean up(Task t) {
        return t.desiredState() == TaskState.RUNNING && t.status().state() == TaskState.RUNNING
                && t.status().health().countsAsUp();
    }
}
