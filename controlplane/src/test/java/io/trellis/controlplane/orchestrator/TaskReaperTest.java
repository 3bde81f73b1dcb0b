package io.trellis.controlplane.orchestrator;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskReaperTest {
    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"));

    private Task task(String id, int slot, long created, TaskState desired, TaskState state) {
        return new Task(id, "s1", "web", slot, "n1", "img", List.of(), List.of(), 1, desired,
                TaskStatus.of(state, created, ""), created);
    }

    @Test
    void keepsOnlyTheNewestHistoryPerSlot() {
        store.applyBatch(10, StoreBatch.of(new StoreOp.CreateService(Fixtures.service("s1", "web", 1))));
        long i = 11;
        for (int n = 0; n < 7; n++) {
            store.applyBatch(i++, StoreBatch.of(new StoreOp.CreateTask(
                    task("old" + n, 1, T0 + n, TaskState.SHUTDOWN, TaskState.FAILED))));
        }
        store.applyBatch(i++, StoreBatch.of(new StoreOp.CreateTask(task("live", 1, T0 + 100, TaskState.RUNNING, TaskState.RUNNING))));
        List<StoreOp> ops = new TaskReaper(5).reconcile(store.view(), T0 + 200);
        assertThat(ops).containsExactlyInAnyOrder(new StoreOp.DeleteTask("old0"), new StoreOp.DeleteTask("old1"),
                new StoreOp.DeleteTask("old2"));
    }

    @Test
    void deletesStoppedTasksOfRemovedServices() {
        store.applyBatch(10, StoreBatch.of(new StoreOp.CreateService(Fixtures.service("s1", "web", 1))));
        store.applyBatch(11, StoreBatch.of(new StoreOp.CreateTask(task("a", 1, T0, TaskState.RUNNING, TaskState.RUNNING))));
        store.applyBatch(12, StoreBatch.of(new StoreOp.DeleteService("s1")));
        TaskReaper reaper = new TaskReaper(5);
        assertThat(reaper.reconcile(store.view(), T0)).isEmpty(); // still running: the worker stops it first
        store.applyBatch(13, StoreBatch.of(new StoreOp.ReportTaskStatus("a", TaskStatus.of(TaskState.SHUTDOWN, T0, ""))));
        assertThat(reaper.reconcile(store.view(), T0)).containsExactly(new StoreOp.DeleteTask("a"));
    }

    @Test
    void keepsHistoryPerNodeForGlobalServices() {
        store.applyBatch(10, StoreBatch.of(new StoreOp.CreateService(io.trellis.controlplane.store.Fixtures.service(
                "s1", "web", 0, io.trellis.controlplane.store.ServiceSpec.Mode.GLOBAL, 0))));
        long i = 11;
        for (String node : List.of("n1", "n2")) {
            for (int n = 0; n < 5; n++) {
                store.applyBatch(i++, StoreBatch.of(new StoreOp.CreateTask(new Task(node + n, "s1", "web",
                        Task.GLOBAL_SLOT, node, "img", List.of(), List.of(), 1, TaskState.SHUTDOWN,
                        TaskStatus.of(TaskState.FAILED, T0 + n, ""), T0 + n))));
            }
        }
        assertThat(new TaskReaper(5).reconcile(store.view(), T0 + 200)).isEmpty();
        store.applyBatch(i, StoreBatch.of(new StoreOp.CreateTask(new Task("n2-new", "s1", "web", Task.GLOBAL_SLOT,
                "n2", "img", List.of(), List.of(), 1, TaskState.SHUTDOWN, TaskStatus.of(TaskState.FAILED, T0 + 50, ""),
                T0 + 50))));
        assertThat(new TaskReaper(5).reconcile(store.view(), T0 + 200)).containsExactly(new StoreOp.DeleteTask("n20"));
    }
}
