package io.trellis.controlplane.orchestrator;

import static io.trellis.controlplane.store.Fixtures.T0;

import io.trellis.controlplane.reconcile.Reconciler;
import io.trellis.controlplane.scheduler.Scheduler;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.RestartPolicy;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every control loop over one store, plus a worker on each ready node that starts what it is given
 * and stops what it is told to: scenario tests drive it with node and service changes and read
 * where tasks run once it has settled.
 */
final class SimulatedCluster {
    final ClusterStore store;
    private final List<Reconciler> loops = List.of(new ReplicatedOrchestrator(), new GlobalOrchestrator(),
            new Scheduler(), new DownNodeReconciler(), new TaskReaper(TaskReaper.HISTORY_LIMIT_DEFAULT));
    private long index = 1000;
    long now = T0;

    SimulatedCluster(Node... nodes) {
        store = Fixtures.storeWith(nodes);
    }

    ClusterSnapshot view() {
        return store.view();
    }

    void apply(StoreOp... ops) {
        StoreReply r = store.applyBatch(index++, StoreBatch.of(ops));
        if (!r.ok()) {
            throw new AssertionError(r.error());
        }
    }

    void create(Service s) {
        apply(new StoreOp.CreateService(s));
        settle();
    }

    void putNode(Node n) {
        apply(new StoreOp.PutNode(n));
        settle();
    }

    void setStatus(String nodeId, Node.Status status) {
        apply(new StoreOp.SetNodeStatus(nodeId, status, now));
        settle();
    }

    void setAvailability(String nodeId, Node.Availability a) {
        apply(new StoreOp.UpdateNodeSpec(nodeId, a, Map.of(), List.of(), now));
        settle();
    }

    /** The task fails and the default restart delay passes: the next {@link #settle} replaces it. */
    void fail(Task t) {
        apply(new StoreOp.ReportTaskStatus(t.id(), TaskStatus.of(TaskState.FAILED, now, "failed").withError("boom")));
        settle();
        now += RestartPolicy.DEFAULT_DELAY_MILLIS;
    }

    /** Runs every loop and the workers until nothing changes; fails on a write loop. */
    void settle() {
        for (int round = 0; round < 50; round++) {
            now += 10;
            List<StoreOp> ops = new ArrayList<>();
            for (Reconciler r : loops) {
                List<StoreOp> mine = r.reconcile(view(), now);
                if (!mine.isEmpty()) {
                    ops.addAll(mine);
                    break; // each loop sees the commit of the one before, as in the agent
                }
            }
            if (ops.isEmpty()) {
                ops.addAll(workers());
            }
            if (ops.isEmpty()) {
                return;
            }
            apply(ops.toArray(StoreOp[]::new));
        }
        throw new AssertionError("cluster did not settle");
    }

    /** What the workers of ready nodes report: assigned tasks run, tasks told to stop stop. */
    private List<StoreOp> workers() {
        List<StoreOp> ops = new ArrayList<>();
        for (Task t : view().tasks().values()) {
            Node n = t.nodeId() == null ? null : view().nodes().get(t.nodeId());
            if (n == null || n.status() != Node.Status.READY || t.status().state().isTerminal()) {
                continue;
            }
            if (t.desiredState() == TaskState.RUNNING && t.status().state() != TaskState.RUNNING) {
                ops.add(new StoreOp.ReportTaskStatus(t.id(), TaskStatus.of(TaskState.RUNNING, now, "started")));
            } else if (t.desiredState().compareTo(TaskState.RUNNING) > 0) {
                ops.add(new StoreOp.ReportTaskStatus(t.id(), TaskStatus.of(TaskState.SHUTDOWN, now, "shutdown")));
            }
        }
        return ops;
    }

    /** Live tasks (desired running) of a service. */
    List<Task> live(String serviceId) {
        return view().tasksOf(serviceId).stream().filter(t -> t.desiredState() == TaskState.RUNNING).toList();
    }

    /** Node ID → number of live, running tasks of the service. */
    Map<String, Long> runningPerNode(String serviceId) {
        return live(serviceId).stream().filter(t -> t.status().state() == TaskState.RUNNING)
                .collect(Collectors.groupingBy(Task::nodeId, TreeMap::new, Collectors.counting()));
    }
}
