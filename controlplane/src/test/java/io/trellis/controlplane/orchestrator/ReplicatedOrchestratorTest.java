package io.trellis.controlplane.orchestrator;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.RestartPolicy;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ReplicatedOrchestratorTest {
    private final ReplicatedOrchestrator orchestrator = new ReplicatedOrchestrator();
    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"));
    private long index = 100;

    private void converge() {
        converge(T0);
    }

    private void converge(long from) {
        for (int i = 0; i < 10; i++) {
            List<StoreOp> ops = orchestrator.reconcile(store.view(), from + i);
            if (ops.isEmpty()) {
                return;
            }
            assertThat(store.applyBatch(index++, new StoreBatch(ops)).ok()).isTrue();
        }
        throw new AssertionError("orchestrator did not converge");
    }

    private List<Task> live(String serviceId) {
        return store.view().tasksOf(serviceId).stream().filter(t -> t.desiredState() == TaskState.RUNNING).toList();
    }

    @Test
    void createsOneTaskPerSlot() {
        store.applyBatch(index++, StoreBatch.of(new StoreOp.CreateService(Fixtures.service("s1", "web", 3))));
        converge();
        assertThat(live("s1")).extracting(Task::slot).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(live("s1")).allMatch(t -> t.name().equals("web." + t.slot()));
    }

    @Test
    void replacesFailedTaskAndKeepsItInHistory() {
        store.applyBatch(index++, StoreBatch.of(new StoreOp.CreateService(Fixtures.service("s1", "web", 2))));
        converge();
        Task victim = live("s1").get(0);
        store.applyBatch(index++, StoreBatch.of(new StoreOp.ReportTaskStatus(victim.id(),
                TaskStatus.of(TaskState.FAILED, T0 + 5, "failed"))));
        converge(T0 + 5 + RestartPolicy.DEFAULT_DELAY_MILLIS);
        Task old = store.view().tasks().get(victim.id());
        assertThat(old.desiredState()).isEqualTo(TaskState.SHUTDOWN);
        assertThat(old.status().state()).isEqualTo(TaskState.FAILED);
        assertThat(live("s1")).hasSize(2).extracting(Task::slot).contains(victim.slot());
        assertThat(live("s1")).noneMatch(t -> t.id().equals(victim.id()));
    }

    @Test
    void scalingDownShutsDownHighestSlots() {
        store.applyBatch(index++, StoreBatch.of(new StoreOp.CreateService(Fixtures.service("s1", "web", 4))));
        converge();
        var spec = store.view().services().get("s1").spec();
        store.applyBatch(index++, StoreBatch.of(new StoreOp.UpdateService("s1", 1, spec.withReplicas(2), T0)));
        converge();
        assertThat(live("s1")).extracting(Task::slot).containsExactlyInAnyOrder(1, 2);
        Map<Integer, TaskState> desired = store.view().tasksOf("s1").stream()
                .collect(Collectors.toMap(Task::slot, Task::desiredState));
        assertThat(desired).containsEntry(3, TaskState.SHUTDOWN).containsEntry(4, TaskState.SHUTDOWN);
    }

    @Test
    void aForcedUpdateReplacesOneRunningTaskAtATime() {
        store.applyBatch(index++, StoreBatch.of(new StoreOp.CreateService(Fixtures.service("s1", "web", 3))));
        converge();
        markRunning();
        var service = store.view().services().get("s1");
        long forced = service.version() + 1;
        store.applyBatch(index++, StoreBatch.of(new StoreOp.UpdateService("s1", service.version(),
                service.spec().withForceUpdate(forced), T0)));
        for (int round = 0; round < 3; round++) {
            converge();
            // One old task stopped, its slot's successor created; nothing more until that one runs.
            List<Task> outdated = live("s1").stream().filter(t -> t.serviceVersion() < forced).toList();
            assertThat(outdated).hasSize(2 - round);
            assertThat(live("s1")).hasSize(3);
            assertThat(orchestrator.reconcile(store.view(), T0)).isEmpty();
            markRunning();
        }
        converge();
        assertThat(live("s1")).hasSize(3).allMatch(t -> t.serviceVersion() >= forced);
        assertThat(orchestrator.reconcile(store.view(), T0)).isEmpty();
    }

    /** The worker's part: every live task placed and running. */
    private void markRunning() {
        for (Task t : live("s1")) {
            if (t.status().state() != TaskState.RUNNING) {
                store.applyBatch(index++, StoreBatch.of(
                        new StoreOp.AssignTask(t.id(), "n1", TaskStatus.of(TaskState.ASSIGNED, T0, "scheduled")),
                        new StoreOp.ReportTaskStatus(t.id(), TaskStatus.of(TaskState.RUNNING, T0, "started"))));
            }
        }
    }

    @Test
    void convergedStateProducesNoOps() {
        store.applyBatch(index++, StoreBatch.of(new StoreOp.CreateService(Fixtures.service("s1", "web", 2))));
        converge();
        assertThat(orchestrator.reconcile(store.view(), T0)).isEmpty();
    }

    @Test
    void backsOffWhenASlotKeepsFailingWithoutARestartDelay() {
        Service s = Fixtures.service("s1", "web", 1);
        RestartPolicy noDelay = new RestartPolicy(RestartPolicy.Condition.ANY, 0, 0, 0);
        store.applyBatch(index++, StoreBatch.of(new StoreOp.CreateService(new Service(s.id(),
                s.spec().withRestartPolicy(noDelay), s.version(), s.createdAt(), s.updatedAt()))));
        converge();
        long now = T0;
        // First failure: replaced in the same round.
        fail(live("s1").get(0), now);
        assertThat(orchestrator.reconcile(store.view(), now)).hasSize(2);
        store.applyBatch(index++, new StoreBatch(orchestrator.reconcile(store.view(), now)));
        // Second failure in a row: the slot waits 500 ms before its next task.
        fail(live("s1").get(0), now + 100);
        store.applyBatch(index++, new StoreBatch(orchestrator.reconcile(store.view(), now + 100)));
        assertThat(live("s1")).isEmpty();
        assertThat(orchestrator.reconcile(store.view(), now + 400)).isEmpty();
        assertThat(orchestrator.reconcile(store.view(), now + 600))
                .singleElement().isInstanceOf(StoreOp.CreateTask.class);
    }

    private void fail(Task t, long at) {
        store.applyBatch(index++, StoreBatch.of(new StoreOp.ReportTaskStatus(t.id(),
                TaskStatus.of(TaskState.FAILED, at, "failed"))));
    }
}
