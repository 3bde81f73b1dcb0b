package io.trellis.controlplane.scheduler;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.orchestrator.ReplicatedOrchestrator;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A store of a few nodes that the placement tests change as the leader's loops would: an op, the orchestrator,
 * the scheduler, each one commit; and what they look at afterwards (tasks per node, why the rest wait).
 */
final class PlacementFixture {
    private final ClusterStore store;
    private long index = 100;

    PlacementFixture(Node... nodes) {
        this.store = Fixtures.storeWith(nodes);
    }

    ClusterSnapshot view() {
        return store.view();
    }

    void apply(StoreOp op) {
        assertThat(store.applyBatch(index++, StoreBatch.of(op)).ok()).isTrue();
    }

    /** The orchestrator's ops for the current state, committed: new tasks pending. */
    void orchestrate() {
        assertThat(store.applyBatch(index++, new StoreBatch(new ReplicatedOrchestrator().reconcile(store.view(), T0)))
                .ok()).isTrue();
    }

    /** The orchestrator, then the scheduler. */
    void reconcile() {
        orchestrate();
        assertThat(store.applyBatch(index++, new StoreBatch(new Scheduler().reconcile(store.view(), T0))).ok())
                .isTrue();
    }

    void createAndSchedule(Service s) {
        apply(new StoreOp.CreateService(s));
        reconcile();
    }

    Map<String, Long> perNode(String serviceId) {
        return store.view().tasksOf(serviceId).stream().filter(t -> t.nodeId() != null)
                .collect(Collectors.groupingBy(Task::nodeId, Collectors.counting()));
    }

    List<String> pendingErrors(String serviceId) {
        return store.view().tasksOf(serviceId).stream().filter(t -> t.nodeId() == null)
                .map(t -> t.status().error()).toList();
    }
}
