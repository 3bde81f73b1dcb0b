package io.trellis.daemon.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.controlplane.orchestrator.DownNodeReconciler;
import io.trellis.controlplane.orchestrator.ReplicatedOrchestrator;
import io.trellis.controlplane.reconcile.Reconciler;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.HealthCheck;
import io.trellis.controlplane.store.HealthResult;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.RestartPolicy;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskHealth;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import io.trellis.daemon.runtime.RunningTask;
import io.trellis.daemon.runtime.TaskRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker's side of node failure (a node that comes back stops the tasks it lost) and of health checks. */
class WorkerTest {
    private static final long T0 = 1_700_000_000_000L;
    private final ClusterStore store = new ClusterStore();
    private final AtomicLong index = new AtomicLong(1);
    private final StoreWriter writer = new StoreWriter(
            entry -> CompletableFuture.completedFuture(store.apply(index.incrementAndGet(), entry)));
    private final FakeRuntime runtime = new FakeRuntime();
    private final StatusReporter reporter = new StatusReporter(batch -> {
        List<StoreOp> ops = new java.util.ArrayList<>();
        batch.forEach((id, status) -> ops.add(new StoreOp.ReportTaskStatus(id, status)));
        writer.submit(new StoreBatch(ops));
    }).start();
    private Worker worker;

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.close();
        }
        reporter.close();
    }

    private void apply(List<StoreOp> ops) {
        assertThat(store.applyBatch(index.incrementAndGet(), new StoreBatch(ops)).ok()).isTrue();
    }

    private void run(Reconciler r) {
        apply(r.reconcile(store.view(), Clock.systemUTC().millis()));
    }

    /** Node "me" in a cluster, with task t1 of service web assigned to it. */
    private void assignOneTask() {
        Node me = new Node("me", "me", Node.Role.MANAGER, Node.Availability.ACTIVE, Node.Status.READY, "", "",
                Map.of(), T0, T0, null);
        apply(List.of(new StoreOp.InitCluster(new ClusterInfo("c", T0)), new StoreOp.PutNode(me),
                new StoreOp.CreateService(new Service("s", new ServiceSpec("web", "img", List.of("run"), List.of(), 1),
                        1, T0, T0)),
                new StoreOp.CreateTask(new Task("t1", "s", "web", 1, "me", "img", List.of("run"), List.of(), 1,
                        TaskState.RUNNING, TaskStatus.of(TaskState.ASSIGNED, T0, "scheduled"), T0))));
    }

    @Test
    void stopsTasksThatWereReplacedWhileItsNodeWasDown() {
        assignOneTask();
        worker = new Worker("me", new StoreAssignments(store, "me"), runtime, reporter, Clock.systemUTC(), Duration.ofSeconds(1)).start();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                store.view().tasks().get("t1").status().state() == TaskState.RUNNING);

        // The managers lose the node: its task is orphaned and its slot gets a new task.
        apply(List.of(new StoreOp.SetNodeStatus("me", Node.Status.DOWN, T0)));
        run(new DownNodeReconciler());
        run(new ReplicatedOrchestrator());
        assertThat(store.view().tasks().get("t1").desiredState()).isEqualTo(TaskState.SHUTDOWN);

        // The node is back: its worker stops the old process; its late report changes nothing.
        apply(List.of(new StoreOp.SetNodeStatus("me", Node.Status.READY, T0)));
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.stopped.contains("t1"));
        Task old = store.view().tasks().get("t1");
        assertThat(old.status().state()).isEqualTo(TaskState.ORPHANED);
        assertThat(old.status().error()).isEqualTo("node is down");
    }

    @Test
    void aTaskIsStoppedWithItsOwnGracePeriodElseTheNodes() {
        assignOneTask();
        ContainerSpec patient = ContainerSpec.DEFAULT.withStopGracePeriod(2_500);
        apply(List.of(new StoreOp.CreateTask(new Task("t2", "s", "web", 2, "me", "img", List.of("run"), List.of(), 1,
                TaskState.RUNNING, TaskStatus.of(TaskState.ASSIGNED, T0, "scheduled"), T0, List.of(), patient))));
        worker = new Worker("me", new StoreAssignments(store, "me"), runtime, reporter, Clock.systemUTC(),
                Duration.ofSeconds(1)).start();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.view().tasks().values().stream()
                .allMatch(t -> t.status().state() == TaskState.RUNNING));

        apply(List.of(new StoreOp.SetDesiredState("t1", TaskState.SHUTDOWN),
                new StoreOp.SetDesiredState("t2", TaskState.SHUTDOWN)));
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.stopped.containsAll(Set.of("t1", "t2")));
        assertThat(runtime.graces).containsEntry("t1", Duration.ofSeconds(1))
                .containsEntry("t2", Duration.ofMillis(2_500));
    }

    @Test
    void aTaskIsStartingUntilItsReadinessCompletesThenRunning() {
        assignOneTask();
        CompletableFuture<String> ready = new CompletableFuture<>();
        worker = new Worker("me", new StoreAssignments(store, "me"), runtime, reporter, Clock.systemUTC(),
                Duration.ofSeconds(1), t -> ready).start();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                store.view().tasks().get("t1").status().state() == TaskState.STARTING);
        ready.complete("did not accept on [80/tcp] within 30 s");
        await().atMost(Duration.ofSeconds(5)).until(() ->
                store.view().tasks().get("t1").status().state() == TaskState.RUNNING);
        assertThat(store.view().tasks().get("t1").status().message()).endsWith("within 30 s");
    }

    /** Node "me" with task t1 of a service whose check runs every 100 ms and fails after 2 failures. */
    private void assignOneCheckedTask() {
        Node me = new Node("me", "me", Node.Role.MANAGER, Node.Availability.ACTIVE, Node.Status.READY, "", "",
                Map.of(), T0, T0, null);
        // A second apart: the test switches the check's outcome after seeing one result, before the next one
        // runs even on a loaded machine (at 100 ms a second failure could make it unhealthy while starting).
        ContainerSpec checked = ContainerSpec.DEFAULT.withHealthCheck(
                new HealthCheck(List.of("CMD-SHELL", "check"), 1_000, 5_000, 0, 2));
        ServiceSpec spec = new ServiceSpec("web", "img", List.of("run"), List.of(), 1).withContainer(checked);
        apply(List.of(new StoreOp.InitCluster(new ClusterInfo("c", T0)), new StoreOp.PutNode(me),
                new StoreOp.CreateService(new Service("s", spec, 1, T0, T0)),
                new StoreOp.CreateTask(new Task("t1", "s", "web", 1, "me", "img", List.of("run"), List.of(), 1,
                        TaskState.RUNNING, TaskStatus.of(TaskState.ASSIGNED, T0, "scheduled"), T0, List.of(),
                        checked))));
    }

    @Test
    void aCheckedTaskRunsOnlyOnceHealthyAndReadyThenFailsWhenUnhealthy() {
        assignOneCheckedTask();
        runtime.checkScript = "exit 1";
        CompletableFuture<String> ready = new CompletableFuture<>();
        worker = new Worker("me", new StoreAssignments(store, "me"), runtime, reporter, Clock.systemUTC(),
                Duration.ofSeconds(1), t -> ready).start();
        await().atMost(Duration.ofSeconds(5)).until(() -> task().status().health().failingStreak() == 1);
        assertThat(task().status().state()).isEqualTo(TaskState.STARTING);
        assertThat(task().status().message()).isEqualTo("starting: waiting for health check");

        runtime.checkScript = "exit 0";
        await().atMost(Duration.ofSeconds(5)).until(() ->
                task().status().health().status() == TaskHealth.Status.HEALTHY);
        assertThat(task().status().state()).as("its readiness has not passed yet").isEqualTo(TaskState.STARTING);
        ready.complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> task().status().state() == TaskState.RUNNING);
        assertThat(task().status().health().status()).isEqualTo(TaskHealth.Status.HEALTHY);

        runtime.checkScript = "echo 'db down:'; echo ' connection refused'; exit 1";
        await().atMost(Duration.ofSeconds(5)).until(() -> task().status().state() == TaskState.FAILED);
        assertThat(task().status().error()).isEqualTo("unhealthy container: db down: connection refused");
        assertThat(task().status().health().status()).isEqualTo(TaskHealth.Status.UNHEALTHY);
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.stopped.contains("t1") && worker.runningCount() == 0);
        assertThat(task().status().state()).as("its exit does not turn it into a shutdown").isEqualTo(TaskState.FAILED);

        // The orchestrator shuts it down and replaces it once the restart delay has passed.
        run(new ReplicatedOrchestrator());
        apply(new ReplicatedOrchestrator().reconcile(store.view(),
                Clock.systemUTC().millis() + RestartPolicy.DEFAULT_DELAY_MILLIS));
        assertThat(store.view().tasksOf("s")).filteredOn(t -> !t.id().equals("t1")).hasSize(1)
                .allMatch(t -> t.slot() == 1 && t.desiredState() == TaskState.RUNNING);
    }

    @Test
    void theUnhealthyErrorIsOneShortLine() {
        String longOutput = "x".repeat(500);
        TaskHealth h = new TaskHealth(TaskHealth.Status.UNHEALTHY, 3,
                List.of(new HealthResult(T0, T0, 1, "first\n"), new HealthResult(T0, T0, 1, longOutput + "\n")));
        assertThat(Worker.unhealthyError(h)).hasSize("unhealthy container: ".length() + Worker.UNHEALTHY_OUTPUT_MAX)
                .endsWith("x…");
        assertThat(Worker.unhealthyError(new TaskHealth(TaskHealth.Status.UNHEALTHY, 3,
                List.of(new HealthResult(T0, T0, 7, ""))))).isEqualTo("unhealthy container: exit code 7");
    }

    private Task task() {
        return store.view().tasks().get("t1");
    }

    /** What the dispatcher would push: the local store's tasks on one node, as they change. */
    private static final class StoreAssignments implements TaskAssignments {
        private final ClusterStore store;
        private final String nodeId;
        private final Map<Runnable, io.trellis.controlplane.store.CommitListener> listeners = new ConcurrentHashMap<>();

        StoreAssignments(ClusterStore store, String nodeId) {
            this.store = store;
            this.nodeId = nodeId;
        }

        public java.util.Collection<Task> tasks() {
            return store.view().tasksOnNode(nodeId);
        }

        public boolean synced() {
            return true;
        }

        public void addListener(Runnable onChange) {
            io.trellis.controlplane.store.CommitListener l = (before, after) -> onChange.run();
            listeners.put(onChange, l);
            store.addListener(l);
        }

        public void removeListener(Runnable onChange) {
            io.trellis.controlplane.store.CommitListener l = listeners.remove(onChange);
            if (l != null) {
                store.removeListener(l);
            }
        }
    }

    /** Starts nothing real: each task is a future that completes when it is told to stop. */
    private static final class FakeRuntime implements TaskRuntime {
        final Set<String> stopped = ConcurrentHashMap.newKeySet();
        final Map<String, Duration> graces = new ConcurrentHashMap<>();
        private final AtomicLong pids = new AtomicLong(1000);

        public String name() {
            return "fake";
        }

        public RunningTask start(Task task) {
            long pid = pids.incrementAndGet();
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            return new RunningTask() {
                public long pid() {
                    return pid;
                }

                public CompletableFuture<Integer> exit() {
                    return exit;
                }

                public void stop(Duration grace) {
                    graces.put(task.id(), grace);
                    stopped.add(task.id());
                    exit.complete(143);
                }
            };
        }

        /** What a health check runs, on the host: a shell script, or null to refuse as a runtime could. */
        volatile String checkScript;

        public Process exec(String taskId, List<String> argv) throws TaskRuntime.TaskStartException {
            String script = checkScript;
            if (script == null) {
                throw new TaskRuntime.TaskStartException("the fake runtime runs no commands", null);
            }
            try {
                return new ProcessBuilder("/bin/sh", "-c", script).start();
            } catch (java.io.IOException e) {
                throw new TaskRuntime.TaskStartException(e.getMessage(), e);
            }
        }

        public Optional<RunningTask> adopt(String taskId) {
            return Optional.empty();
        }

        public void release(String taskId) {
        }

        public void remove(String taskId) {
        }

        public Set<String> localTasks() {
            return Set.of();
        }
    }
}
