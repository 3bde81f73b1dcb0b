package io.trellis.controlplane.orchestrator;

import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.Task;

/**
 * Whether a task was made from its service's current task template (swarmkit's {@code IsTaskDirty}): a task
 * carries its image, command, environment, container spec and networks, and is outdated once one of them is not
 * the service's any more, or when it predates the service's {@link ServiceSpec#forceUpdate} version
 * ({@code --force}). Replicas, placement, ports and the update configs are not part of the template: changing
 * them replaces no task (the routing mesh follows port changes; publishing the first or last ingress port changes
 * the networks, and that does). Comparing contents rather than versions lets a rollback keep the tasks that
 * were never updated.
 */
public final class TaskTemplate {
    private TaskTemplate() {
    }

    public static boolean current(Task t, ServiceSpec spec) {
        return t.serviceVersion() >= spec.forceUpdate()
                && t.image().equals(spec.image())
                && t.command().equals(spec.command())
                && t.env().equals(spec.env())
                && t.container().equals(spec.container())
                && (t.status().state().isTerminal() || t.networkIds().equals(spec.networkIds()));
    }

    public static boolean outdated(Task t, ServiceSpec spec) {
        return !current(t, spec);
    }
}
