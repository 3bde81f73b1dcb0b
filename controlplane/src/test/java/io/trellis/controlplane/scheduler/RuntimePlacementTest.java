package io.trellis.controlplane.scheduler;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --runtime docker} goes only to nodes whose heartbeat says their Docker Engine answers; with none, the
 * tasks wait saying why, and are placed once a node's Engine is back.
 */
class RuntimePlacementTest {
    private final PlacementFixture placed = new PlacementFixture(
            Fixtures.node("a").withRuntimes(List.of("process")),
            Fixtures.node("b").withRuntimes(List.of("process")));

    @Test
    void dockerTasksWaitForANodeWithAnEngineAndProcessTasksDoNot() {
        placed.apply(new StoreOp.CreateService(service("s1", "box", "docker")));
        placed.apply(new StoreOp.CreateService(service("s2", "plain", null)));
        placed.reconcile();
        assertThat(placed.view().tasksOf("s1")).extracting(t -> t.status().error())
                .containsOnly("no suitable node (docker runtime unavailable on 2 nodes)");
        assertThat(placed.view().tasksOf("s2")).allMatch(t -> t.status().state() == TaskState.ASSIGNED);

        placed.apply(new StoreOp.SetNodeRuntimes("b", List.of("process", "docker")));
        placed.reconcile();
        assertThat(placed.view().tasksOf("s1")).extracting(Task::nodeId).containsOnly("b");
    }

    @Test
    void aNodeThatNeverSaidIsGivenTheBenefitOfTheDoubt() {
        PlacementFixture old = new PlacementFixture(Fixtures.node("old"));
        old.apply(new StoreOp.CreateService(service("s1", "box", "docker")));
        old.orchestrate();
        assertThat(new Scheduler().reconcile(old.view(), T0)).hasSize(2)
                .allMatch(op -> op instanceof StoreOp.AssignTask);
    }

    @Test
    void aRuntimesChangeKeepsEverythingElseOfTheNode() {
        placed.apply(new StoreOp.SetNodeRuntimes("a", List.of("process", "docker")));
        assertThat(placed.view().nodes().get("a"))
                .isEqualTo(Fixtures.node("a").withRuntimes(List.of("process", "docker")));
        // A record from a promotion or demotion says nothing of runtimes: the reported ones stay.
        placed.apply(new StoreOp.PutNode(Fixtures.node("a")));
        assertThat(placed.view().nodes().get("a").runtimes()).containsExactly("process", "docker");
    }

    private static Service service(String id, String name, String runtime) {
        ServiceSpec spec = new ServiceSpec(name, "img", List.of("run"), List.of(), 2)
                .withContainer(ContainerSpec.DEFAULT.withRuntime(runtime));
        return new Service(id, spec, 1, T0, T0);
    }
}
