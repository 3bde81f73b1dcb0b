package io.trellis.controlplane.orchestrator;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.reconcile.Reconciler;
import io.trellis.controlplane.scheduler.Scheduler;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import io.trellis.controlplane.store.UpdateConfig;
import io.trellis.controlplane.store.UpdateStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Rolling updates driven by a test clock: the control loops run at a given time, and the workers start and stop
 * tasks only when the test says so, so every step of a rollout can be looked at.
 */
class RollingUpdateTest {
    private static final String V2 = "img:v2";
    private static final String EXIT_1 = "task: non-zero exit (1)";

    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"), Fixtures.node("n2"),
            Fixtures.node("n3"));
    private final List<Reconciler> loops = List.of(new ReplicatedOrchestrator(), new GlobalOrchestrator(),
            new Scheduler());
    private long index = 100;
    private long now = T0;

    private void apply(StoreOp... ops) {
        StoreReply r = store.applyBatch(index++, StoreBatch.of(ops));
        assertThat(r.ok()).as("%s", r.error()).isTrue();
    }

    /** The control loops at {@code now} until they have nothing more to do; the workers do nothing meanwhile. */
    private void loops() {
        for (int round = 0; round < 20; round++) {
            List<StoreOp> ops = new ArrayList<>();
            for (Reconciler r : loops) {
                ops.addAll(r.reconcile(store.view(), now));
                if (!ops.isEmpty()) {
                    break;
                }
            }
            if (ops.isEmpty()) {
                return;
            }
            apply(ops.toArray(StoreOp[]::new));
        }
        throw new AssertionError("control loops did not settle");
    }

    /** The workers at {@code now}: placed tasks meant to run run, tasks told to stop stop. */
    private void workers() {
        for (Task t : store.view().tasks().values()) {
            if (t.nodeId() == null || t.status().state().isTerminal()) {
                continue;
            }
            if (t.desiredState() == TaskState.RUNNING && t.status().state() != TaskState.RUNNING) {
                apply(new StoreOp.ReportTaskStatus(t.id(), TaskStatus.of(TaskState.RUNNING, now, "started")));
            } else if (t.desiredState().compareTo(TaskState.RUNNING) > 0) {
                apply(new StoreOp.ReportTaskStatus(t.id(), TaskStatus.of(TaskState.SHUTDOWN, now, "shutdown")));
            }
        }
    }

    /** Time passes, the loops act, the workers act, the loops act on what they reported. */
    private void at(long millisAfterT0) {
        now = T0 + millisAfterT0;
        loops();
        workers();
        loops();
    }

    private void create(String name, int replicas, ServiceSpec.Mode mode, UpdateConfig update) {
        ServiceSpec spec = new ServiceSpec(name, "img:v1", List.of("run"), List.of("A=1"), replicas, mode, List.of(), 0)
                .withUpdateConfigs(update, UpdateConfig.DEFAULT);
        apply(new StoreOp.CreateService(new Service("s1", spec, 1, T0, T0)));
        at(0);
        assertThat(live()).hasSize(mode == ServiceSpec.Mode.GLOBAL ? 3 : replicas)
                .allMatch(t -> t.status().state() == TaskState.RUNNING);
    }

    private void updateImage(String image) {
        Service s = service();
        apply(new StoreOp.UpdateService(s.id(), s.version(), s.spec().withTask(image, s.spec().command(),
                s.spec().env()), now));
    }

    private Service service() {
        return store.view().services().get("s1");
    }

    private List<Task> live() {
        return store.view().tasksOf("s1").stream().filter(t -> t.desiredState() == TaskState.RUNNING).toList();
    }

    private List<Task> liveWith(String image) {
        return live().stream().filter(t -> t.image().equals(image)).toList();
    }

    private UpdateStatus.State state() {
        return service().updateStatus() == null ? null : service().updateStatus().state();
    }

    private void failNewest(String image, long millisAfterT0) {
        Task t = liveWith(image).stream().filter(x -> x.status().state() == TaskState.RUNNING).findFirst()
                .orElseThrow();
        now = T0 + millisAfterT0;
        apply(new StoreOp.ReportTaskStatus(t.id(),
                new TaskStatus(TaskState.FAILED, now, "failed", EXIT_1, 1, 0)));
    }

    private static UpdateConfig config(int parallelism, long delay, UpdateConfig.FailureAction action, long monitor,
                                       UpdateConfig.Order order) {
        return new UpdateConfig(parallelism, delay, action, monitor, 0, order);
    }

    @Test
    void replacesParallelismTasksPerBatchWithTheDelayBetweenAndCompletesAfterTheMonitor() {
        create("web", 4, ServiceSpec.Mode.REPLICATED,
                config(2, 10_000, UpdateConfig.FailureAction.PAUSE, 5_000, UpdateConfig.Order.STOP_FIRST));
        updateImage(V2);
        now = T0 + 1_000;
        loops();
        assertThat(state()).isEqualTo(UpdateStatus.State.UPDATING);
        assertThat(service().updateStatus().startedAt()).isEqualTo(T0 + 1_000);
        assertThat(liveWith(V2)).hasSize(2).extracting(Task::slot).containsExactlyInAnyOrder(1, 2);
        assertThat(liveWith("img:v1")).extracting(Task::slot).containsExactlyInAnyOrder(3, 4);

        at(2_000); // the first batch runs at 2 s
        assertThat(liveWith(V2)).hasSize(2).allMatch(t -> t.status().state() == TaskState.RUNNING);
        at(11_999); // 10 s of delay after the batch ran: not yet
        assertThat(liveWith("img:v1")).hasSize(2);
        at(12_000);
        assertThat(liveWith(V2)).hasSize(4);
        assertThat(state()).isEqualTo(UpdateStatus.State.UPDATING); // its last batch is watched for 5 s
        at(16_999);
        assertThat(state()).isEqualTo(UpdateStatus.State.UPDATING);
        at(17_000);
        assertThat(state()).isEqualTo(UpdateStatus.State.COMPLETED);
        assertThat(service().updateStatus().completedAt()).isEqualTo(T0 + 17_000);
        assertThat(service().previousSpec().image()).isEqualTo("img:v1");
        // Each slot keeps its old task as history.
        assertThat(store.view().tasksOf("s1")).hasSize(8);
    }

    @Test
    void aReplicasOnlyChangeReplacesNoTask() {
        create("web", 3, ServiceSpec.Mode.REPLICATED, UpdateConfig.DEFAULT);
        Set<String> before = live().stream().map(Task::id).collect(Collectors.toSet());
        Service s = service();
        apply(new StoreOp.UpdateService(s.id(), s.version(), s.spec().withReplicas(5)
                .withUpdateConfigs(config(3, 1, UpdateConfig.FailureAction.CONTINUE, 1, UpdateConfig.Order.START_FIRST),
                        UpdateConfig.DEFAULT), now));
        at(1_000);
        assertThat(live()).hasSize(5).extracting(Task::id).containsAll(before);
        assertThat(state()).isNull();
    }

    @Test
    void startFirstRunsTheNewTaskBeforeTheOldOneIsToldToStop() {
        create("web", 2, ServiceSpec.Mode.REPLICATED,
                config(1, 0, UpdateConfig.FailureAction.PAUSE, 0, UpdateConfig.Order.START_FIRST));
        Task old1 = live().stream().filter(t -> t.slot() == 1).findFirst().orElseThrow();
        updateImage(V2);
        now = T0 + 1_000;
        loops();
        // Slot 1 has both: the old task still meant to run beside its starting successor.
        assertThat(live()).hasSize(3);
        assertThat(store.view().tasks().get(old1.id()).desiredState()).isEqualTo(TaskState.RUNNING);
        Task new1 = liveWith(V2).get(0);
        assertThat(new1.slot()).isEqualTo(1);
        assertThat(new1.status().state()).isNotEqualTo(TaskState.RUNNING);
        now = T0 + 30_000;
        loops(); // however long the new task takes to start, the old one serves
        assertThat(store.view().tasks().get(old1.id()).desiredState()).isEqualTo(TaskState.RUNNING);

        apply(new StoreOp.ReportTaskStatus(new1.id(), TaskStatus.of(TaskState.RUNNING, now, "started")));
        loops();
        assertThat(store.view().tasks().get(old1.id()).desiredState()).isEqualTo(TaskState.SHUTDOWN);
        assertThat(liveWith(V2)).extracting(Task::slot).containsExactlyInAnyOrder(1, 2); // slot 2's turn
        assertThat(liveWith("img:v1")).extracting(Task::slot).containsExactly(2);
        at(31_000);
        assertThat(live()).hasSize(2).allMatch(t -> t.image().equals(V2));
        assertThat(state()).isEqualTo(UpdateStatus.State.COMPLETED);
    }

    @Test
    void aNewTaskFailingWithinTheMonitorPausesTheUpdateNamingTheTaskAndAnUpdateResumesIt() {
        create("web", 3, ServiceSpec.Mode.REPLICATED,
                config(1, 10_000, UpdateConfig.FailureAction.PAUSE, 5_000, UpdateConfig.Order.STOP_FIRST));
        updateImage(V2);
        at(1_000); // slot 1 runs v2 at 1 s
        failNewest(V2, 3_000);
        loops();
        assertThat(state()).isEqualTo(UpdateStatus.State.PAUSED);
        assertThat(service().updateStatus().message())
                .startsWith("update paused due to failure or early termination of task web.1 (")
                .endsWith("): " + EXIT_1);
        for (long t = 4_000; t <= 60_000; t += 4_000) {
            at(t); // slot 1 is restarted as usual; slots 2 and 3 are left alone
        }
        assertThat(liveWith("img:v1")).extracting(Task::slot).containsExactlyInAnyOrder(2, 3);

        Service s = service();
        apply(new StoreOp.UpdateService(s.id(), s.version(), s.spec(), now, s.previousSpec()));
        at(61_000); // a new rollout: slot 2 at once, slot 3 after the delay
        assertThat(state()).isEqualTo(UpdateStatus.State.UPDATING);
        assertThat(liveWith("img:v1")).extracting(Task::slot).containsExactly(3);
        at(71_000);
        assertThat(live()).allMatch(t -> t.image().equals(V2));
        at(76_000);
        assertThat(state()).isEqualTo(UpdateStatus.State.COMPLETED);
    }

    @Test
    void aFailureAfterTheMonitorPeriodDoesNotCount() {
        create("web", 2, ServiceSpec.Mode.REPLICATED,
                config(1, 10_000, UpdateConfig.FailureAction.PAUSE, 2_000, UpdateConfig.Order.STOP_FIRST));
        updateImage(V2);
        at(1_000);
        failNewest(V2, 3_001); // 2.001 s after it ran
        at(3_001);
        assertThat(state()).isEqualTo(UpdateStatus.State.UPDATING);
        at(11_000);
        assertThat(live()).allMatch(t -> t.image().equals(V2));
    }

    @Test
    void continueGoesOnPastFailures() {
        create("web", 3, ServiceSpec.Mode.REPLICATED,
                config(1, 0, UpdateConfig.FailureAction.CONTINUE, 5_000, UpdateConfig.Order.STOP_FIRST));
        updateImage(V2);
        at(1_000);
        failNewest(V2, 1_500);
        at(1_500);
        at(2_000);
        assertThat(state()).isEqualTo(UpdateStatus.State.UPDATING);
        assertThat(live()).allMatch(t -> t.image().equals(V2));
        at(7_000);
        assertThat(state()).isEqualTo(UpdateStatus.State.COMPLETED);
    }

    @Test
    void rollbackReturnsToThePreviousSpecAndKeepsTheTasksNeverUpdated() {
        create("web", 3, ServiceSpec.Mode.REPLICATED,
                config(1, 10_000, UpdateConfig.FailureAction.ROLLBACK, 2_000, UpdateConfig.Order.STOP_FIRST));
        List<String> untouched = live().stream().filter(t -> t.slot() > 1).map(Task::id).toList();
        updateImage(V2);
        at(1_000);
        failNewest(V2, 1_500);
        loops();
        Service s = service();
        assertThat(s.spec().image()).isEqualTo("img:v1");
        assertThat(s.previousSpec().image()).isEqualTo(V2);
        assertThat(s.updateStatus().state()).isEqualTo(UpdateStatus.State.ROLLBACK_STARTED);
        assertThat(s.updateStatus().message()).startsWith("update rolled back due to failure or early termination"
                + " of task web.1 (").endsWith(EXIT_1);
        assertThat(liveWith(V2)).isEmpty(); // nothing more was started from the spec rolled back from
        at(2_000);
        assertThat(live()).hasSize(3).allMatch(t -> t.image().equals("img:v1")).extracting(Task::id)
                .containsAll(untouched);
        at(6_999); // the rollback config's monitor: 5 s after slot 1 ran v1 again
        assertThat(state()).isEqualTo(UpdateStatus.State.ROLLBACK_STARTED);
        at(7_000);
        assertThat(state()).isEqualTo(UpdateStatus.State.ROLLBACK_COMPLETED);
        assertThat(service().updateStatus().message()).isEqualTo("rollback completed");
    }

    @Test
    void aGlobalServiceRollsOneNodeAtATime() {
        create("agent", 0, ServiceSpec.Mode.GLOBAL, UpdateConfig.DEFAULT);
        Service s = service();
        long forced = s.version() + 1;
        apply(new StoreOp.UpdateService(s.id(), s.version(), s.spec().withForceUpdate(forced), now));
        List<String> order = new ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            now = T0 + round * 1_000L;
            loops();
            List<Task> fresh = live().stream().filter(t -> t.serviceVersion() >= forced).toList();
            assertThat(fresh).hasSize(round);
            assertThat(live()).hasSize(3); // the stopped node's successor is created at once, on the same node
            order.add(fresh.stream().filter(t -> !order.contains(t.nodeId())).findFirst().orElseThrow().nodeId());
            workers();
        }
        assertThat(order).containsExactly("n1", "n2", "n3");
        assertThat(live()).extracting(Task::nodeId).containsExactlyInAnyOrder("n1", "n2", "n3");
    }

    @Test
    void theUpdateStatusIsNotWrittenOverAChangeItDidNotSee() {
        create("web", 1, ServiceSpec.Mode.REPLICATED, UpdateConfig.DEFAULT);
        Service s = service();
        apply(new StoreOp.SetUpdateStatus(s.id(), s.version() - 1, UpdateStatus.updating(now)));
        assertThat(state()).isNull();
        apply(new StoreOp.SetUpdateStatus(s.id(), s.version(), UpdateStatus.updating(now)));
        assertThat(state()).isEqualTo(UpdateStatus.State.UPDATING);
    }
}
