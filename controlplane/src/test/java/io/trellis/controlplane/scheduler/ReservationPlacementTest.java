package io.trellis.controlplane.scheduler;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.NodeResources;
import io.trellis.controlplane.store.Resources;
import io.trellis.controlplane.store.RestartPolicy;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node takes a task only while its live tasks' reservations plus the new one stay within its capacity. */
class ReservationPlacementTest {
    private static final long CPU = 1_000_000_000L;
    private static final long GIB = 1L << 30;
    private final PlacementFixture placed = new PlacementFixture(
            Fixtures.node("a").withResources(new NodeResources(2 * CPU, 4 * GIB)),
            Fixtures.node("b").withResources(new NodeResources(CPU, 4 * GIB)));

    @Test
    void reservationsFillNodesThenTheRestWaitSayingWhy() {
        placed.createAndSchedule(service("s1", "web", 4, new Resources(0, 0, CPU, GIB)));
        assertThat(placed.perNode("s1")).containsOnly(Map.entry("a", 2L), Map.entry("b", 1L));
        assertThat(placed.pendingErrors("s1")).containsExactly("no suitable node (insufficient resources on 2 nodes)");
        assertThat(new Scheduler().reconcile(placed.view(), T0 + 1)).isEmpty(); // no write loop
    }

    @Test
    void memoryCountsAsWellAsCpusAndAcrossServices() {
        placed.createAndSchedule(service("s1", "big", 1, new Resources(0, 0, 0, 3 * GIB)));
        placed.createAndSchedule(service("s2", "small", 2, new Resources(0, 0, 0, 2 * GIB)));
        String big = placed.view().tasksOf("s1").get(0).nodeId();
        assertThat(placed.perNode("s2")).containsOnly(Map.entry(big.equals("a") ? "b" : "a", 2L));
    }

    @Test
    void anEndedTaskGivesItsReservationBack() {
        placed.createAndSchedule(service("s1", "web", 3, new Resources(0, 0, CPU, 0)));
        Task onB = placed.view().tasksOf("s1").stream().filter(t -> "b".equals(t.nodeId())).findFirst().orElseThrow();
        placed.apply(new StoreOp.ReportTaskStatus(onB.id(), TaskStatus.of(TaskState.FAILED, T0, "failed")));
        placed.reconcile();
        assertThat(placed.view().tasksOf("s1")).filteredOn(t -> t.slot() == onB.slot() && !t.id().equals(onB.id()))
                .extracting(Task::nodeId).containsExactly("b");
        assertThat(placed.pendingErrors("s1")).isEmpty();
    }

    @Test
    void tasksWithoutReservationsAndNodesWithoutCapacityAreNotCounted() {
        PlacementFixture unknown = new PlacementFixture(Fixtures.node("old"));
        unknown.apply(new StoreOp.CreateService(service("s1", "web", 3, new Resources(0, 0, 64 * CPU, 0))));
        unknown.orchestrate();
        assertThat(new Scheduler().reconcile(unknown.view(), T0)).hasSize(3)
                .allMatch(op -> op instanceof StoreOp.AssignTask);
        placed.createAndSchedule(service("s2", "free", 5, Resources.NONE));
        assertThat(placed.pendingErrors("s2")).isEmpty();
    }

    private static Service service(String id, String name, int replicas, Resources resources) {
        // Restarted at once (no restart delay): the test is about the reservation the ended task gives back.
        ServiceSpec spec = new ServiceSpec(name, "img", List.of("run"), List.of(), replicas)
                .withContainer(ContainerSpec.DEFAULT.withResources(resources))
                .withRestartPolicy(new RestartPolicy(RestartPolicy.Condition.ANY, 0, 0, 0));
        return new Service(id, spec, 1, T0, T0);
    }
}
