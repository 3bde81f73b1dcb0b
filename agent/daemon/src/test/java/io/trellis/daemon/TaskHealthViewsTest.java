package io.trellis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.HealthView;
import io.trellis.api.NodeView;
import io.trellis.api.ServiceView;
import io.trellis.api.TaskView;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.HealthResult;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.NodeResources;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskHealth;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** REPLICAS counts a checked task only once healthy; task and node views carry health and resources. */
class TaskHealthViewsTest {
    private static final long T0 = 1_700_000_000_000L;
    private final ClusterStore store = new ClusterStore();
    private long index;

    private void apply(StoreOp... ops) {
        StoreReply reply = store.applyBatch(++index, StoreBatch.of(ops));
        assertThat(reply.ok()).as(reply.error()).isTrue();
    }

    private void task(String id, int slot, TaskState state, TaskHealth health) {
        apply(new StoreOp.CreateTask(new Task(id, "s", "web", slot, "n1", "img", List.of("run"), List.of(), 1,
                TaskState.RUNNING, TaskStatus.of(state, T0, "").withHealth(health), T0)));
    }

    private static TaskHealth health(TaskHealth.Status status, int streak, HealthResult... log) {
        return new TaskHealth(status, streak, List.of(log));
    }

    @Test
    void replicasCountRunningTasksThatAreHealthyOrUnchecked() {
        apply(new StoreOp.InitCluster(new ClusterInfo("c1", T0)),
                new StoreOp.PutNode(new Node("n1", "alpha", Node.Role.WORKER, Node.Availability.ACTIVE,
                        Node.Status.READY, "192.0.2.1", "test", Map.of(), T0, T0, null)),
                new StoreOp.CreateService(new Service("s", new ServiceSpec("web", "img", List.of("run"), List.of(), 5),
                        1, T0, T0)));
        HealthResult ok = new HealthResult(T0, T0 + 5, 0, "fine\n");
        task("healthy", 1, TaskState.RUNNING, health(TaskHealth.Status.HEALTHY, 1, ok));
        task("unchecked", 2, TaskState.RUNNING, TaskHealth.NONE);
        task("starting", 3, TaskState.STARTING, health(TaskHealth.Status.STARTING, 0));
        task("unhealthy", 4, TaskState.RUNNING, health(TaskHealth.Status.UNHEALTHY, 3));
        task("failed", 5, TaskState.FAILED, health(TaskHealth.Status.UNHEALTHY, 3));

        ServiceView s = ApiViews.service(store.view().services().get("s"), store.view());
        assertThat(s.running()).isEqualTo(2);
        assertThat(s.desired()).isEqualTo(5);

        TaskView healthy = ApiViews.task(store.view().tasks().get("healthy"), store.view());
        assertThat(healthy.health()).isEqualTo(new HealthView("healthy", 1,
                List.of(new HealthView.Result(T0, T0 + 5, 0, "fine\n"))));
        assertThat(ApiViews.task(store.view().tasks().get("unchecked"), store.view()).health())
                .isEqualTo(HealthView.NONE);
    }

    @Test
    void aNodeShowsTheResourcesItReported() {
        Node n = new Node("n1", "alpha", Node.Role.WORKER, Node.Availability.ACTIVE, Node.Status.READY, "192.0.2.1",
                "test", Map.of(), T0, T0, null);
        assertThat(ApiViews.node(n, "", "", Set.of(), true).resources()).isNull();
        NodeView v = ApiViews.node(n.withResources(new NodeResources(4_000_000_000L, 8L << 30)), "", "", Set.of(),
                true);
        assertThat(v.resources()).isEqualTo(new NodeView.Resources(4_000_000_000L, 8L << 30));
    }
}
