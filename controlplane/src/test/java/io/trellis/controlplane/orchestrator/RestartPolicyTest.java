package io.trellis.controlplane.orchestrator;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.reconcile.Reconciler;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.RestartPolicy.Condition;
import io.trellis.controlplane.store.RestartPolicy;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The restart policy: which ends are restarted, after which delay, how many times within which window; and what
 * is not a restart (a rolling update, a scale-down, a new template). Time is the test's: every reconcile is
 * given its {@code now}.
 */
class RestartPolicyTest {
    private static final long DELAY = 5_000;
    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"), Fixtures.node("n2"));
    private long index = 100;
    private long now = T0;

    private void create(ServiceSpec spec) {
        apply(List.of(new StoreOp.CreateService(new Service("s1", spec, 1, T0, T0))));
        step(new ReplicatedOrchestrator());
        runAll();
    }

    private static ServiceSpec replicated(int replicas, RestartPolicy policy) {
        return Fixtures.service("s1", "job", replicas).spec().withRestartPolicy(policy);
    }

    private void apply(List<StoreOp> ops) {
        assertThat(store.applyBatch(index++, new StoreBatch(ops)).ok()).isTrue();
    }

    /** One round of {@code r} at the current time; what it did. */
    private List<StoreOp> step(Reconciler r) {
        List<StoreOp> ops = r.reconcile(store.view(), now);
        if (!ops.isEmpty()) {
            apply(ops);
        }
        return ops;
    }

    /** The worker's part: every live task placed and running. */
    private void runAll() {
        for (Task t : live()) {
            if (t.status().state() != TaskState.RUNNING) {
                String node = t.nodeId() == null ? "n1" : t.nodeId();
                apply(List.of(new StoreOp.AssignTask(t.id(), node, TaskStatus.of(TaskState.ASSIGNED, now, "scheduled")),
                        new StoreOp.ReportTaskStatus(t.id(), TaskStatus.of(TaskState.RUNNING, now, "started"))));
            }
        }
    }

    private List<Task> live() {
        return store.view().tasksOf("s1").stream().filter(t -> t.desiredState() == TaskState.RUNNING).toList();
    }

    private List<Task> all() {
        return store.view().tasksOf("s1");
    }

    /** The only live task ends in {@code state} (exit 0 or 3) now. */
    private Task end(TaskState state) {
        Task t = live().get(0);
        int code = state == TaskState.COMPLETE ? 0 : 3;
        apply(List.of(new StoreOp.ReportTaskStatus(t.id(), new TaskStatus(state, now, state.display().toLowerCase(),
                code == 0 ? "" : "task: non-zero exit (3)", code, 0))));
        return t;
    }

    private static boolean creates(List<StoreOp> ops) {
        return ops.stream().anyMatch(op -> op instanceof StoreOp.CreateTask);
    }

    @Test
    void conditionNoneKeepsTheEndedTaskInItsSlot() {
        create(replicated(1, new RestartPolicy(Condition.NONE, DELAY, 0, 0)));
        Task ended = end(TaskState.FAILED);
        assertThat(creates(step(new ReplicatedOrchestrator()))).isFalse();
        now += 60_000;
        assertThat(step(new ReplicatedOrchestrator())).isEmpty();
        assertThat(live()).isEmpty();
        assertThat(store.view().tasks().get(ended.id()).status().state()).isEqualTo(TaskState.FAILED);
    }

    @Test
    void onFailureRestartsAFailureAfterTheDelayButNotACompletion() {
        create(replicated(1, new RestartPolicy(Condition.ON_FAILURE, DELAY, 0, 0)));
        end(TaskState.FAILED);
        assertThat(creates(step(new ReplicatedOrchestrator()))).isFalse(); // the ended task is shut down
        now += DELAY - 1;
        assertThat(step(new ReplicatedOrchestrator())).isEmpty();
        now += 1;
        assertThat(creates(step(new ReplicatedOrchestrator()))).isTrue();
        runAll();

        end(TaskState.COMPLETE);
        step(new ReplicatedOrchestrator());
        now += 10 * DELAY;
        assertThat(step(new ReplicatedOrchestrator())).isEmpty();
        assertThat(live()).isEmpty();
        assertThat(all()).hasSize(2);
    }

    @Test
    void conditionAnyRestartsACompletionToo() {
        create(replicated(1, new RestartPolicy(Condition.ANY, 2_000, 0, 0)));
        end(TaskState.COMPLETE);
        step(new ReplicatedOrchestrator());
        now += 1_999;
        assertThat(step(new ReplicatedOrchestrator())).isEmpty();
        now += 1;
        assertThat(creates(step(new ReplicatedOrchestrator()))).isTrue();
    }

    @Test
    void maxAttemptsWithoutAWindowStopAfterThatManyRestartsAndSaySo() {
        create(replicated(1, new RestartPolicy(Condition.ON_FAILURE, DELAY, 2, 0)));
        for (int restart = 0; restart < 2; restart++) {
            end(TaskState.FAILED);
            step(new ReplicatedOrchestrator());
            now += DELAY;
            assertThat(creates(step(new ReplicatedOrchestrator()))).isTrue();
            runAll();
        }
        Task last = end(TaskState.FAILED);
        step(new ReplicatedOrchestrator());
        now += 3_600_000; // no window: the attempts never expire
        assertThat(step(new ReplicatedOrchestrator())).isEmpty();
        assertThat(all()).hasSize(3);
        assertThat(store.view().tasks().get(last.id()).status().message())
                .isEqualTo("failed; not restarted: 2 restart attempts reached");
    }

    @Test
    void maxAttemptsCountOnlyTheEndsWithinTheWindow() {
        create(replicated(1, new RestartPolicy(Condition.ANY, 1_000, 1, 10_000)));
        end(TaskState.FAILED);
        step(new ReplicatedOrchestrator());
        now += 1_000;
        assertThat(creates(step(new ReplicatedOrchestrator()))).isTrue();
        runAll();
        now += 1_000;
        end(TaskState.FAILED); // the second end within 10 s: held
        step(new ReplicatedOrchestrator());
        now += 7_000;
        assertThat(step(new ReplicatedOrchestrator())).isEmpty();
        assertThat(all().get(0).status().message()).endsWith("not restarted: 1 restart attempts reached within 10s");
        now += 2_000; // the first end has left the window
        assertThat(creates(step(new ReplicatedOrchestrator()))).isTrue();
    }

    @Test
    void aScaleDownAndARollingUpdateAreNotRestarts() {
        create(replicated(2, new RestartPolicy(Condition.NONE, DELAY, 0, 0)));
        Service s = store.view().services().get("s1");
        apply(List.of(new StoreOp.UpdateService("s1", s.version(), s.spec().withReplicas(1), now)));
        step(new ReplicatedOrchestrator());
        Task slot2 = all().stream().filter(t -> t.slot() == 2).findFirst().orElseThrow();
        apply(List.of(new StoreOp.ReportTaskStatus(slot2.id(), TaskStatus.of(TaskState.SHUTDOWN, now, "shutdown"))));
        s = store.view().services().get("s1");
        apply(List.of(new StoreOp.UpdateService("s1", s.version(), s.spec().withReplicas(2), now)));
        assertThat(creates(step(new ReplicatedOrchestrator()))).as("scaled up again at once").isTrue();
        runAll();

        s = store.view().services().get("s1");
        apply(List.of(new StoreOp.UpdateService("s1", s.version(), s.spec().withForceUpdate(s.version() + 1), now)));
        assertThat(creates(step(new ReplicatedOrchestrator()))).as("a rolling update starts a new task at once")
                .isTrue();
        assertThat(live()).hasSize(2);
    }

    @Test
    void aNewTemplateReplacesAHeldTaskAtOnce() {
        create(replicated(1, new RestartPolicy(Condition.NONE, DELAY, 0, 0)));
        end(TaskState.COMPLETE);
        step(new ReplicatedOrchestrator());
        Service s = store.view().services().get("s1");
        apply(List.of(new StoreOp.UpdateService("s1", s.version(),
                s.spec().withTask("job:2", s.spec().command(), s.spec().env()), now)));
        step(new ReplicatedOrchestrator()); // the rollout starts
        step(new ReplicatedOrchestrator());
        assertThat(live()).singleElement().extracting(Task::image).isEqualTo("job:2");
    }

    @Test
    void aGlobalServiceFollowsItsPolicyPerNode() {
        ServiceSpec spec = Fixtures.service("s1", "agent", 0, ServiceSpec.Mode.GLOBAL, 0).spec()
                .withRestartPolicy(new RestartPolicy(Condition.ON_FAILURE, DELAY, 0, 0));
        apply(List.of(new StoreOp.CreateService(new Service("s1", spec, 1, T0, T0))));
        step(new GlobalOrchestrator());
        runAll();
        assertThat(live()).hasSize(2);

        Task onN1 = live().stream().filter(t -> t.nodeId().equals("n1")).findFirst().orElseThrow();
        Task onN2 = live().stream().filter(t -> t.nodeId().equals("n2")).findFirst().orElseThrow();
        apply(List.of(new StoreOp.ReportTaskStatus(onN1.id(), TaskStatus.of(TaskState.COMPLETE, now, "finished")),
                new StoreOp.ReportTaskStatus(onN2.id(), TaskStatus.of(TaskState.FAILED, now, "failed"))));
        step(new GlobalOrchestrator());
        now += DELAY;
        List<StoreOp> ops = step(new GlobalOrchestrator());
        assertThat(ops).singleElement().isInstanceOfSatisfying(StoreOp.CreateTask.class,
                c -> assertThat(c.task().nodeId()).isEqualTo("n2"));
    }

    @Test
    void theReaperKeepsTheHistoryMaxAttemptsCount() {
        create(replicated(1, new RestartPolicy(Condition.ANY, 0, 7, 0)));
        for (int i = 0; i < 7; i++) {
            end(TaskState.FAILED);
            step(new ReplicatedOrchestrator());
            now += RestartSupervisor.BACKOFF_MAX_MILLIS;
            step(new ReplicatedOrchestrator());
            runAll();
        }
        assertThat(all()).hasSize(8);
        assertThat(step(new TaskReaper(TaskReaper.HISTORY_LIMIT_DEFAULT))).isEmpty();
        end(TaskState.FAILED);
        step(new ReplicatedOrchestrator());
        now += RestartSupervisor.BACKOFF_MAX_MILLIS;
        assertThat(step(new ReplicatedOrchestrator())).isEmpty(); // 8 ends: 7 restarts were made
    }
}
