package io.trellis.controlplane.orchestrator;

import io.trellis.controlplane.reconcile.Reconciler;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Ends the tasks of nodes that are down (or were removed): they are marked {@link TaskState#ORPHANED}
 * with "node is down", so the orchestrators replace them elsewhere and the reaper can collect them.
 * No worker can report for such a node. If it comes back, it finds them desired {@code shutdown} and
 * stops their processes; its late reports cannot move them back (states only move forward).
 */
public final class DownNodeReconciler implements Reconciler {
    public static final String NODE_DOWN = "node is down";

    @Override
    public String name() {
        return "down-nodes";
    }

    @Override
    public List<StoreOp> reconcile(ClusterSnapshot state, long now) {
        List<StoreOp> ops = new ArrayList<>();
        for (Task t : state.tasks().values()) {
            if (t.nodeId() == null || t.status().state().isTerminal()) {
                continue;
            }
            Node n = state.nodes().get(t.nodeId());
            if (n == null || n.status() == Node.Status.DOWN) {
                String why = n == null ? "node left the cluster" : NODE_DOWN;
                ops.add(new StoreOp.ReportTaskStatus(t.id(), TaskStatus.of(TaskState.ORPHANED, now, why).withError(why)));
            }
        }
        return ops;
    }
}
