package io.trellis.controlplane.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Replicated tasks leave drained, down and no-longer-matching nodes; paused nodes keep theirs. */
class RescheduleTest {
    private final SimulatedCluster cluster = new SimulatedCluster(Fixtures.node("a"), Fixtures.node("b"),
            Fixtures.node("c"));

    @Test
    void drainMovesTasksAway() {
        cluster.create(Fixtures.service("s1", "web", 6));
        assertThat(cluster.runningPerNode("s1")).containsOnly(Map.entry("a", 2L), Map.entry("b", 2L), Map.entry("c", 2L));
        List<Task> onB = cluster.live("s1").stream().filter(t -> t.nodeId().equals("b")).toList();

        cluster.setAvailability("b", Node.Availability.DRAIN);

        assertThat(cluster.runningPerNode("s1")).containsOnly(Map.entry("a", 3L), Map.entry("c", 3L));
        for (Task old : onB) {
            Task now = cluster.view().tasks().get(old.id());
            assertThat(now.desiredState()).isEqualTo(TaskState.SHUTDOWN);
            assertThat(now.status().state()).isEqualTo(TaskState.SHUTDOWN);
            // Its slot lives on elsewhere; the old task stays in the slot's history.
            assertThat(cluster.live("s1")).anyMatch(t -> t.slot() == old.slot() && !t.nodeId().equals("b"));
        }
    }

    @Test
    void pauseKeepsRunningTasksButPlacesNothingNew() {
        cluster.create(Fixtures.service("s1", "web", 3));
        cluster.setAvailability("b", Node.Availability.PAUSE);
        assertThat(cluster.runningPerNode("s1")).containsOnly(Map.entry("a", 1L), Map.entry("b", 1L), Map.entry("c", 1L));

        cluster.create(Fixtures.service("s2", "api", 4));
        assertThat(cluster.runningPerNode("s2")).containsOnly(Map.entry("a", 2L), Map.entry("c", 2L));

        cluster.setAvailability("b", Node.Availability.ACTIVE);
        cluster.create(Fixtures.service("s3", "db", 1));
        assertThat(cluster.runningPerNode("s3")).containsOnly(Map.entry("b", 1L)); // least loaded again
    }

    @Test
    void tasksOfADownNodeAreOrphanedAndReplacedElsewhere() {
        cluster.create(Fixtures.service("s1", "web", 3));
        Task onC = cluster.live("s1").stream().filter(t -> t.nodeId().equals("c")).findFirst().orElseThrow();

        cluster.setStatus("c", Node.Status.DOWN);

        Task old = cluster.view().tasks().get(onC.id());
        assertThat(old.status().state()).isEqualTo(TaskState.ORPHANED);
        assertThat(old.status().message()).isEqualTo("node is down");
        assertThat(old.status().error()).isEqualTo("node is down");
        assertThat(old.desiredState()).isEqualTo(TaskState.SHUTDOWN);
        assertThat(cluster.runningPerNode("s1")).containsOnly(Map.entry("a", 2L), Map.entry("b", 1L));
        assertThat(cluster.live("s1")).extracting(Task::slot).containsExactlyInAnyOrder(1, 2, 3);

        // The node comes back: its old task stays shut down (its worker stops the process) and
        // nothing moves back on its own, as in Swarm.
        cluster.setStatus("c", Node.Status.READY);
        Task returned = cluster.view().tasks().get(onC.id());
        assertThat(returned.desiredState()).isEqualTo(TaskState.SHUTDOWN);
        assertThat(returned.status().state()).isEqualTo(TaskState.ORPHANED);
        assertThat(cluster.runningPerNode("s1")).containsOnly(Map.entry("a", 2L), Map.entry("b", 1L));
        // A late report from the returning worker cannot bring it back.
        cluster.apply(new StoreOp.ReportTaskStatus(onC.id(),
                io.trellis.controlplane.store.TaskStatus.of(TaskState.SHUTDOWN, cluster.now, "shutdown")));
        assertThat(cluster.view().tasks().get(onC.id()).status().state()).isEqualTo(TaskState.ORPHANED);
    }

    @Test
    void allNodesDownLeavesTasksPendingWithTheReason() {
        cluster.create(Fixtures.service("s1", "web", 1));
        for (String n : List.of("a", "b", "c")) {
            cluster.setStatus(n, Node.Status.DOWN);
        }
        Task pending = cluster.live("s1").get(0);
        assertThat(pending.status().state()).isEqualTo(TaskState.PENDING);
        assertThat(pending.status().error()).isEqualTo("no suitable node (3 nodes not ready)");
        cluster.setStatus("b", Node.Status.READY);
        assertThat(cluster.runningPerNode("s1")).containsOnly(Map.entry("b", 1L));
    }

    @Test
    void taskLeavesANodeThatNoLongerMeetsTheConstraints() {
        SimulatedCluster labelled = new SimulatedCluster(Fixtures.worker("a", Map.of("zone", "x")),
                Fixtures.worker("b", Map.of("zone", "x")));
        labelled.create(Fixtures.service("s1", "web", 2, ServiceSpec.Mode.REPLICATED, 0, "node.labels.zone==x"));
        assertThat(labelled.runningPerNode("s1")).containsOnly(Map.entry("a", 1L), Map.entry("b", 1L));

        labelled.apply(new StoreOp.UpdateNodeSpec("a", null, Map.of(), List.of("zone"), labelled.now));
        labelled.settle();

        assertThat(labelled.runningPerNode("s1")).containsOnly(Map.entry("b", 2L));
    }

    @Test
    void failedTaskOnAHealthyNodeIsStillReplacedInPlace() {
        cluster.create(Fixtures.service("s1", "web", 1));
        Task t = cluster.live("s1").get(0);
        cluster.fail(t);
        cluster.settle();
        assertThat(cluster.live("s1")).singleElement().satisfies(n -> {
            assertThat(n.slot()).isEqualTo(t.slot());
            assertThat(n.status().state()).isEqualTo(TaskState.RUNNING);
        });
    }
}
