package io.trellis.controlplane.scheduler;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.orchestrator.ReplicatedOrchestrator;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.NodeResources;
import io.trellis.controlplane.store.Resources;
import io.trellis.controlplane.store.RestartPolicy;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A node takes a task only while its live tasks' reservations plus the new one stay within its capacity. */
class ReservationPlacementTest {
    private static final long CPU = 1_000_000_000L;
    private static final long GIB = 1L << 30;
    private final ClusterStore store = Fixtures.storeWith(
            Fixtures.node("a").withResources(new NodeResources(2 * CPU, 4 * GIB)),
            Fixtures.node("b").withResources(new NodeResources(CPU, 4 * GIB)));
    private long index = 100;

    @Test
    void reservationsFillNodesThenTheRestWaitSayingWhy() {
        createAndSchedule(service("s1", "web", 4, new Resources(0, 0, CPU, GIB)));
        assertThat(perNode("s1")).containsOnly(Map.entry("a", 2L), Map.entry("b", 1L));
        assertThat(pendingErrors("s1")).containsExactly("no suitable node (insufficient resources on 2 nodes)");
        assertThat(new Scheduler().reconcile(store.view(), T0 + 1)).isEmpty(); // no write loop
    }

    @Test
    void memoryCountsAsWellAsCpusAndAcrossServices() {
        createAndSchedule(service("s1", "big", 1, new Resources(0, 0, 0, 3 * GIB)));
        createAndSchedule(service("s2", "small", 2, new Resources(0, 0, 0, 2 * GIB)));
        String big = store.view().tasksOf("s1").get(0).nodeId();
        assertThat(perNode("s2")).containsOnly(Map.entry(big.equals("a") ? "b" : "a", 2L));
    }

    @Test
    void anEndedTaskGivesItsReservationBack() {
        createAndSchedule(service("s1", "web", 3, new Resources(0, 0, CPU, 0)));
        Task onB = store.view().tasksOf("s1").stream().filter(t -> "b".equals(t.nodeId())).findFirst().orElseThrow();
        apply(new StoreOp.ReportTaskStatus(onB.id(), TaskStatus.of(TaskState.FAILED, T0, "failed")));
        reconcile();
        assertThat(store.view().tasksOf("s1")).filteredOn(t -> t.slot() == onB.slot() && !t.id().equals(onB.id()))
                .extracting(Task::nodeId).containsExactly("b");
        assertThat(pendingErrors("s1")).isEmpty();
    }

    @Test
    void tasksWithoutReservationsAndNodesWithoutCapacityAreNotCounted() {
        ClusterStore unknown = Fixtures.storeWith(Fixtures.node("old"));
        Service s = service("s1", "web", 3, new Resources(0, 0, 64 * CPU, 0));
        assertThat(unknown.applyBatch(index++, StoreBatch.of(new StoreOp.CreateService(s))).ok()).isTrue();
        assertThat(unknown.applyBatch(index++, new StoreBatch(new ReplicatedOrchestrator().reconcile(unknown.view(),
                T0))).ok()).isTrue();
        assertThat(new Scheduler().reconcile(unknown.view(), T0)).hasSize(3)
                .allMatch(op -> op instanceof StoreOp.AssignTask);
        createAndSchedule(service("s2", "free", 5, Resources.NONE));
        assertThat(pendingErrors("s2")).isEmpty();
    }

    private static Service service(String id, String name, int replicas, Resources resources) {
        // Restarted at once (no restart delay): the test is about the reservation the ended task gives back.
        ServiceSpec spec = new ServiceSpec(name, "img", List.of("run"), List.of(), replicas)
                .withContainer(ContainerSpec.DEFAULT.withResources(resources))
                .withRestartPolicy(new RestartPolicy(RestartPolicy.Condition.ANY, 0, 0, 0));
        return new Service(id, spec, 1, T0, T0);
    }

    private void createAndSchedule(Service s) {
        apply(new StoreOp.CreateService(s));
        reconcile();
    }

    private void reconcile() {
        assertThat(store.applyBatch(index++, new StoreBatch(new ReplicatedOrchestrator().reconcile(store.view(), T0)))
                .ok()).isTrue();
        assertThat(store.applyBatch(index++, new StoreBatch(new Scheduler().reconcile(store.view(), T0))).ok())
                .isTrue();
    }

    private Map<String, Long> perNode(String serviceId) {
        return store.view().tasksOf(serviceId).stream().filter(t -> t.nodeId() != null)
                .collect(Collectors.groupingBy(Task::nodeId, Collectors.counting()));
    }

    private List<String> pendingErrors(String serviceId) {
        return store.view().tasksOf(serviceId).stream().filter(t -> t.nodeId() == null)
                .map(t -> t.status().error()).toList();
    }

    private void apply(StoreOp op) {
        assertThat(store.applyBatch(index++, StoreBatch.of(op)).ok()).isTrue();
    }
}
