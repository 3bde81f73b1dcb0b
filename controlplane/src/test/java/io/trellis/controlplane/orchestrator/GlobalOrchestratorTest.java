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

class GlobalOrchestratorTest {
    private final SimulatedCluster cluster = new SimulatedCluster(Fixtures.node("a"),
            Fixtures.worker("b", Map.of("zone", "x")), Fixtures.worker("c", Map.of()));

    private void createGlobal(String... constraints) {
        cluster.create(Fixtures.service("g", "agent", 0, ServiceSpec.Mode.GLOBAL, 0, constraints));
    }

    @Test
    void runsExactlyOneTaskPerEligibleNode() {
        createGlobal();
        assertThat(cluster.runningPerNode("g")).containsOnly(Map.entry("a", 1L), Map.entry("b", 1L), Map.entry("c", 1L));
        assertThat(cluster.live("g")).allMatch(t -> t.slot() == Task.GLOBAL_SLOT
                && t.name().equals("agent." + t.nodeId()));
        assertThat(new GlobalOrchestrator().reconcile(cluster.view(), cluster.now)).isEmpty();
        assertThat(NodeEligibility.globalDesired(cluster.view().services().get("g"), cluster.view())).isEqualTo(3);
    }

    @Test
    void newNodeGetsATask() {
        createGlobal();
        cluster.putNode(Fixtures.worker("d", Map.of()));
        assertThat(cluster.runningPerNode("g")).containsKey("d").hasSize(4);
    }

    @Test
    void honoursConstraints() {
        createGlobal("node.role==worker", "node.labels.zone==x");
        assertThat(cluster.runningPerNode("g")).containsOnly(Map.entry("b", 1L));

        // The label goes: the task is shut down and not replaced anywhere.
        cluster.apply(new StoreOp.UpdateNodeSpec("b", null, Map.of(), List.of("zone"), cluster.now));
        cluster.settle();
        assertThat(cluster.runningPerNode("g")).isEmpty();
        // A node gains it: it gets the task.
        cluster.apply(new StoreOp.UpdateNodeSpec("c", null, Map.of("zone", "x"), List.of(), cluster.now));
        cluster.settle();
        assertThat(cluster.runningPerNode("g")).containsOnly(Map.entry("c", 1L));
    }

    @Test
    void drainRemovesTheTaskAndActiveBringsItBack() {
        createGlobal();
        Task onA = cluster.live("g").stream().filter(t -> t.nodeId().equals("a")).findFirst().orElseThrow();
        cluster.setAvailability("a", Node.Availability.DRAIN);
        assertThat(cluster.runningPerNode("g")).containsOnly(Map.entry("b", 1L), Map.entry("c", 1L));
        assertThat(cluster.view().tasks().get(onA.id()).status().state()).isEqualTo(TaskState.SHUTDOWN);

        cluster.setAvailability("a", Node.Availability.ACTIVE);
        assertThat(cluster.runningPerNode("g")).containsEntry("a", 1L).hasSize(3);
    }

    @Test
    void pausedNodeKeepsItsTaskButGetsNoNewOne() {
        createGlobal();
        cluster.setAvailability("a", Node.Availability.PAUSE);
        assertThat(cluster.runningPerNode("g")).containsEntry("a", 1L);
        assertThat(NodeEligibility.globalDesired(cluster.view().services().get("g"), cluster.view())).isEqualTo(3);

        cluster.putNode(Fixtures.withAvailability(Fixtures.worker("d", Map.of()), Node.Availability.PAUSE));
        assertThat(cluster.runningPerNode("g")).doesNotContainKey("d");
    }

    @Test
    void downNodeTaskIsShutDownAndComesBackWithTheNode() {
        createGlobal();
        Task onC = cluster.live("g").stream().filter(t -> t.nodeId().equals("c")).findFirst().orElseThrow();
        cluster.setStatus("c", Node.Status.DOWN);
        assertThat(cluster.runningPerNode("g")).containsOnly(Map.entry("a", 1L), Map.entry("b", 1L));
        Task old = cluster.view().tasks().get(onC.id());
        assertThat(old.status().state()).isEqualTo(TaskState.ORPHANED);
        assertThat(old.desiredState()).isEqualTo(TaskState.SHUTDOWN);
        assertThat(NodeEligibility.globalDesired(cluster.view().services().get("g"), cluster.view())).isEqualTo(2);

        cluster.setStatus("c", Node.Status.READY);
        assertThat(cluster.runningPerNode("g")).containsEntry("c", 1L).hasSize(3);
        assertThat(cluster.live("g")).noneMatch(t -> t.id().equals(onC.id()));
    }

    @Test
    void failedTaskIsReplacedOnTheSameNode() {
        createGlobal();
        Task onB = cluster.live("g").stream().filter(t -> t.nodeId().equals("b")).findFirst().orElseThrow();
        cluster.fail(onB);
        cluster.settle();
        assertThat(cluster.runningPerNode("g")).containsOnly(Map.entry("a", 1L), Map.entry("b", 1L), Map.entry("c", 1L));
        assertThat(cluster.view().tasksOf("g")).filteredOn(t -> t.nodeId().equals("b")).hasSize(2)
                .first().extracting(t -> t.status().state()).isEqualTo(TaskState.RUNNING); // newest first
    }

    @Test
    void replicatedOrchestratorLeavesGlobalServicesAlone() {
        createGlobal();
        assertThat(new ReplicatedOrchestrator().reconcile(cluster.view(), cluster.now)).isEmpty();
    }
}
