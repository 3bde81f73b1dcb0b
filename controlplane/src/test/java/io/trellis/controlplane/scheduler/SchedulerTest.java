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
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import java.util.List;
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
        assertThat(t.status().error()).isEqualTo("no suitable node (1 node not ready)");
        assertThat(t.status().message()).isEqualTo("pending task scheduling");
        assertThat(new Scheduler().reconcile(store.view(), T0 + 1)).isEmpty(); // no write loop
    }

    private ClusterStore createAndSchedule(Service s, Node... nodes) {
        ClusterStore store = Fixtures.storeWith(nodes);
        store.applyBatch(index++, StoreBatch.of(new StoreOp.CreateService(s)));
        store.applyBatch(index++, new StoreBatch(new ReplicatedOrchestrator().reconcile(store.view(), T0)));
        store.applyBatch(index++, new StoreBatch(new Scheduler().reconcile(store.view(), T0)));
        return store;
    }

    private static Map<String, Long> perNode(ClusterStore store) {
        return store.view().tasks().values().stream().filter(t -> t.nodeId() != null)
                .collect(Collectors.groupingBy(Task::nodeId, Collectors.counting()));
    }

    private static List<String> pendingErrors(ClusterStore store) {
        return store.view().tasks().values().stream().filter(t -> t.nodeId() == null)
                .map(t -> t.status().error()).toList();
    }

    @Test
    void pausedNodeTakesNothingNew() {
        Node paused = Fixtures.withAvailability(Fixtures.node("b"), Node.Availability.PAUSE);
        ClusterStore store = createAndSchedule(Fixtures.service("s1", "web", 4), Fixtures.node("a"), paused);
        assertThat(perNode(store)).containsOnly(Map.entry("a", 4L));
    }

    @Test
    void placesOnlyWhereEveryConstraintHolds() {
        Node a = Fixtures.worker("a", Map.of("zone", "east", "disk", "ssd"));
        Node b = Fixtures.worker("b", Map.of("zone", "east"));
        Node c = Fixtures.worker("c", Map.of("zone", "west", "disk", "ssd"));
        Node m = Fixtures.node("m"); // a manager without labels
        ClusterStore store = createAndSchedule(Fixtures.service("s1", "web", 4, ServiceSpec.Mode.REPLICATED, 0,
                "node.labels.zone==east", "node.labels.disk == SSD", "node.role!=manager"), a, b, c, m);
        assertThat(perNode(store)).containsOnly(Map.entry("a", 4L));
    }

    @Test
    void constraintsOnRoleHostnameAndId() {
        Node a = Fixtures.worker("a", Map.of());
        Node b = Fixtures.worker("b", Map.of());
        Node m = Fixtures.node("m");
        assertThat(perNode(createAndSchedule(Fixtures.service("s1", "w", 2, ServiceSpec.Mode.REPLICATED, 0,
                "node.role==manager"), a, b, m))).containsOnly(Map.entry("m", 2L));
        assertThat(perNode(createAndSchedule(Fixtures.service("s1", "w", 2, ServiceSpec.Mode.REPLICATED, 0,
                "node.hostname==host-b"), a, b, m))).containsOnly(Map.entry("b", 2L));
        assertThat(perNode(createAndSchedule(Fixtures.service("s1", "w", 4, ServiceSpec.Mode.REPLICATED, 0,
                "node.id!=a"), a, b, m))).containsOnly(Map.entry("b", 2L), Map.entry("m", 2L));
    }

    @Test
    void unsatisfiableConstraintsStayPendingWithSwarmsReason() {
        ClusterStore store = createAndSchedule(Fixtures.service("s1", "web", 2, ServiceSpec.Mode.REPLICATED, 0,
                "node.labels.gpu==yes"), Fixtures.node("a"), Fixtures.node("b"), Fixtures.node("c"));
        assertThat(pendingErrors(store)).hasSize(2)
                .allMatch(e -> e.equals("no suitable node (scheduling constraints not satisfied on 3 nodes)"));
        assertThat(store.view().tasks().values()).allMatch(t -> t.status().state() == TaskState.PENDING);
        assertThat(new Scheduler().reconcile(store.view(), T0 + 1)).isEmpty(); // no write loop
    }

    @Test
    void maxReplicasPerNodeCapsEachNode() {
        ClusterStore store = createAndSchedule(Fixtures.service("s1", "web", 5, ServiceSpec.Mode.REPLICATED, 2),
                Fixtures.node("a"), Fixtures.node("b"));
        assertThat(perNode(store)).containsOnly(Map.entry("a", 2L), Map.entry("b", 2L));
        assertThat(pendingErrors(store)).containsExactly("no suitable node (max replicas per node limit exceed)");
    }

    @Test
    void explainsMostCommonReasonFirst() {
        Node down = Fixtures.node("a").withStatus(Node.Status.DOWN, T0);
        Node drained = Fixtures.withAvailability(Fixtures.node("b"), Node.Availability.DRAIN);
        ClusterStore store = createAndSchedule(Fixtures.service("s1", "web", 1, ServiceSpec.Mode.REPLICATED, 0,
                "node.labels.zone==x"), down, drained, Fixtures.node("c"), Fixtures.node("d"));
        assertThat(pendingErrors(store)).containsExactly("no suitable node (scheduling constraints not satisfied on"
                + " 2 nodes; 1 node not ready; 1 node not available for new tasks)");
    }

    @Test
    void spreadPrefersNodesWithFewerTasksOfTheServiceThenFewerInAll() {
        ClusterStore store = Fixtures.storeWith(Fixtures.node("a"), Fixtures.node("b"));
        store.applyBatch(index++, StoreBatch.of(new StoreOp.CreateService(Fixtures.service("s0", "busy", 1))));
        store.applyBatch(index++, new StoreBatch(new ReplicatedOrchestrator().reconcile(store.view(), T0)));
        store.applyBatch(index++, new StoreBatch(new Scheduler().reconcile(store.view(), T0)));
        String busyNode = store.view().tasks().values().iterator().next().nodeId();
        store.applyBatch(index++, StoreBatch.of(new StoreOp.CreateService(Fixtures.service("s1", "web", 1))));
        store.applyBatch(index++, new StoreBatch(new ReplicatedOrchestrator().reconcile(store.view(), T0)));
        store.applyBatch(index++, new StoreBatch(new Scheduler().reconcile(store.view(), T0)));
        assertThat(store.view().tasksOf("s1")).singleElement().extracting(Task::nodeId).isNotEqualTo(busyNode);
    }
}
