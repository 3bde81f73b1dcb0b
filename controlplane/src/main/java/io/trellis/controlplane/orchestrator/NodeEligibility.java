package io.trellis.controlplane.orchestrator;

import io.trellis.controlplane.constraint.Constraint;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import java.util.List;

/**
 * Which nodes may run a service's tasks, for the orchestrators (the scheduler has its own filters
 * that explain themselves). A new task needs a ready, active node meeting the constraints; a task
 * already placed may stay unless its node is drained, gone, or no longer meets the constraints
 * (swarmkit's constraint enforcer). Pause only stops new tasks; down nodes are handled by
 * {@link DownNodeReconciler}, which ends their tasks.
 */
public final class NodeEligibility {
    private final List<Constraint> constraints;

    private NodeEligibility(List<Constraint> constraints) {
        this.constraints = constraints;
    }

    public static NodeEligibility of(Service service) {
        try {
            return new NodeEligibility(Constraint.parseAll(service.spec().constraints()));
        } catch (IllegalArgumentException e) {
            return new NodeEligibility(null); // refused by the API; never start anything, never evict
        }
    }

    public boolean mayStart(Node n) {
        return n != null && constraints != null && n.status() == Node.Status.READY
                && n.availability() == Node.Availability.ACTIVE && Constraint.matchAll(constraints, n);
    }

    public boolean mayKeep(Node n) {
        return n != null && n.availability() != Node.Availability.DRAIN
                && (constraints == null || Constraint.matchAll(constraints, n));
    }

    /**
     * How many tasks a global service should have now: one per node that may start one, plus paused
     * nodes that keep theirs. {@code service ls} shows it as the desired count.
     */
    public static int globalDesired(Service service, ClusterSnapshot state) {
        NodeEligibility rules = of(service);
        int n = 0;
        for (Node node : state.nodes().values()) {
            if (rules.mayStart(node) || (rules.mayKeep(node) && node.status() == Node.Status.READY
                    && hasLiveTask(state, service.id(), node.id()))) {
                n++;
            }
        }
        return n;
    }

    private static boolean hasLiveTask(ClusterSnapshot state, String serviceId, String nodeId) {
        for (Task t : state.tasks().values()) {
            if (t.serviceId().equals(serviceId) && nodeId.equals(t.nodeId())
                    && t.desiredState() == TaskState.RUNNING && !t.status().state().isTerminal()) {
                return true;
            }
        }
        return false;
    }
}
