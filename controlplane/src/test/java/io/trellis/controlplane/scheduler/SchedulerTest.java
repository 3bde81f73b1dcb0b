package io.trellis.controlplane.scheduler;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.orchestrator.ReplicatedOrchestrator;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    private long index = 100;

    private void createAndSchedule(ClusterStore store, int replicas) {
        store.applyBatch(index++, StoreBatch.of(new StoreOp.CreateService(Fixtures.service("s1", "web", replicas))));
        store.applyBatch(index++, new StoreBatch(new ReplicatedOrchestrator().reconcile(store.view(), T0)));
        store.applyBatch(index++, new StoreBatch(new Scheduler().reconcile(store.view(), T0)));
    }

    @Test
    void spreadsTasksAcrossReadyNodes() {
        ClusterStore store = Fixtures.storeWith(Fixtures.node("a"), Fixtures.node("b"), Fixtures.node("c"));
        createAndSchedule(store, 6);
        Map<String, Long> perNode = store.view().tasks().values().stream()
                .collect(Collectors.groupingBy(Task::nodeId, Collectors.counting()));
        assertThat(perNode).containsOnly(Map.entry("a", 2L), Map.entry("b", 2L), Map.entry("c", 2L));
        assertThat(store.view().tasks().values()).allMatch(t -> t.status().state() == TaskState.ASSIGNED);
    }

    @Test
    void skipsDrainedAndDownNodes() {
        Node drained = new Node("b", "hb", Node.Role.MANAGER, Node.Availability.DRAIN, Node.Status.READY, "", "",
                Map.of(), T0, T0, null);
        Node down = Fixtures.node("c").withStatus(Node.Status.DOWN, T0);
        ClusterStore store = Fixtures.storeWith(Fixtures.node("a"), drained, down);
        createAndSchedule(store, 3);
        assertThat(store.view().tasks().values()).extracting(Task::nodeId).containsOnly("a");
    }

    @Test
    void explainsWhyNothingFits() {
        ClusterStore store = Fixtures.storeWith(Fixtures.node("a").withStatus(Node.Status.DOWN, T0));
        createAndSchedule(store, 1);
        Task t = store.view().tasks().values().iterator().next();
        assertThat(t.nodeId()).isNull();
        assertThat(t.status().state()).isEqualTo(TaskState.PENDING);
        assertThat(t.status().message()).isEqualTo("no suitable node (1 node not ready)");
        assertThat(new Scheduler().reconcile(store.view(), T0 + 1)).isEmpty(); // no write loop
    }
}
