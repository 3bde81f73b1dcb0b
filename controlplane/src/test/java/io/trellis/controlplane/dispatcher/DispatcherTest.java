package io.trellis.controlplane.dispatcher;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.trellis.controlplane.MutableClock;
import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The leader's dispatcher over a real store, without Raft: the test clock drives heartbeat
 * deadlines, and {@link Dispatcher#sweep} stands in for the monitor thread.
 */
class DispatcherTest {
    private static final Duration PERIOD = Duration.ofSeconds(5);
    private static final long DOWN_AFTER = Dispatcher.MISSED_HEARTBEATS_DOWN * PERIOD.toMillis();
    private static final long GRACE = 2_000;

    private final MutableClock clock = new MutableClock(T0);
    private final AtomicBoolean leading = new AtomicBoolean(true);
    private final ClusterStore store = Fixtures.storeWith(
            node("m1", Node.Role.MANAGER, Node.Status.READY, "10.0.0.1:2377"),
            node("w1", Node.Role.WORKER, Node.Status.UNKNOWN, null),
            node("w2", Node.Role.WORKER, Node.Status.READY, null));
    private final StoreWriter writer = Fixtures.directWriter(store, 100);
    private final Dispatcher dispatcher = new Dispatcher(store, writer, leading::get, PERIOD, clock);

    DispatcherTest() {
        dispatcher.listenForCommits();
        commit(new StoreOp.CreateService(Fixtures.service("s1", "web", 3)));
        commit(new StoreOp.CreateTask(task("t1", 1, "w1")), new StoreOp.CreateTask(task("t2", 2, "w1")),
                new StoreOp.CreateTask(task("t3", 3, "w2")));
    }

    @AfterEach
    void close() {
        dispatcher.close();
    }

    @Test
    void aHeartbeatMakesANodeReadyAndRegularOnesKeepItReady() {
        dispatcher.sweep();
        ClusterMessages.HeartbeatResponse r = dispatcher.heartbeat("w1");

        assertThat(status("w1")).isEqualTo(Node.Status.READY);
        assertThat(r).isEqualTo(new ClusterMessages.HeartbeatResponse(5_000, List.of("10.0.0.1:2377"), "worker"));
        for (int i = 0; i < 20; i++) {
            clock.advance(PERIOD);
            dispatcher.heartbeat("w1");
            dispatcher.sweep();
        }
        assertThat(status("w1")).isEqualTo(Node.Status.READY);
    }

    @Test
    void aHeartbeatRecordsTheNodesRuntimesWhenTheyChangeOnly() {
        dispatcher.heartbeat("w1", List.of("process", "docker"));
        assertThat(store.view().nodes().get("w1").runtimes()).containsExactly("process", "docker");
        long index = store.view().index();
        dispatcher.heartbeat("w1", List.of("process", "docker"));
        dispatcher.heartbeat("w1", null); // an older node says nothing: nothing changes
        assertThat(store.view().index()).isEqualTo(index);
        dispatcher.heartbeat("w1", List.of("process")); // its Engine went away
        assertThat(store.view().nodes().get("w1").runtimes()).containsExactly("process");
    }

    @Test
    void threeMissedPeriodsMarkANodeDownAndNotBefore() {
        dispatcher.sweep();
        dispatcher.heartbeat("w1");
        dispatcher.heartbeat("w2");

        clock.advanceMillis(DOWN_AFTER - PERIOD.toMillis());
        dispatcher.heartbeat("w2");
        clock.advance(PERIOD);
        dispatcher.sweep();
        assertThat(status("w1")).as("exactly three periods of silence").isEqualTo(Node.Status.READY);

        clock.advanceMillis(1);
        dispatcher.sweep();
        assertThat(status("w1")).isEqualTo(Node.Status.DOWN);
        assertThat(status("w2")).as("heard a period ago").isEqualTo(Node.Status.READY);

        dispatcher.heartbeat("w1");
        assertThat(status("w1")).as("back after a heartbeat").isEqualTo(Node.Status.READY);
    }

    @Test
    void aNodeThatJoinedButNeverHeartbeatsIsMarkedDownToo() {
        dispatcher.sweep(); // this leader's first round: every node gets the grace on top
        clock.advanceMillis(DOWN_AFTER + GRACE);
        dispatcher.heartbeat("w2");
        dispatcher.sweep();
        assertThat(status("w1")).as("three periods and the grace since this leader first saw it")
                .isEqualTo(Node.Status.UNKNOWN);

        clock.advanceMillis(1);
        dispatcher.sweep();
        assertThat(status("w1")).isEqualTo(Node.Status.DOWN);
        assertThat(status("w2")).isEqualTo(Node.Status.READY);
    }

    @Test
    void aNewLeaderGivesEveryNodeAGracePeriodBeforeMarkingItDown() {
        leading.set(false);
        dispatcher.sweep();
        clock.advanceMillis(10 * DOWN_AFTER);
        dispatcher.sweep();
        assertThat(status("w2")).as("a follower marks nothing").isEqualTo(Node.Status.READY);

        leading.set(true);
        dispatcher.sweep();
        clock.advanceMillis(DOWN_AFTER + GRACE);
        dispatcher.sweep();
        assertThat(status("w2")).as("three periods plus the grace").isEqualTo(Node.Status.READY);
        clock.advanceMillis(1);
        dispatcher.sweep();
        assertThat(status("w2")).isEqualTo(Node.Status.DOWN);
    }

    @Test
    void leadershipRegainedStartsANewGracePeriod() {
        dispatcher.sweep();
        leading.set(false);
        dispatcher.sweep();
        clock.advanceMillis(10 * DOWN_AFTER);
        leading.set(true);
        dispatcher.sweep();
        assertThat(status("w2")).isEqualTo(Node.Status.READY);
        clock.advanceMillis(DOWN_AFTER + GRACE + 1);
        dispatcher.sweep();
        assertThat(status("w2")).isEqualTo(Node.Status.DOWN);
    }

    @Test
    void aNewSessionGetsEveryTaskOfItsNode() throws InterruptedException {
        ClusterMessages.Assignments a = dispatcher.assignments("w1", null, Duration.ZERO);

        assertThat(a.full()).isTrue();
        assertThat(a.session()).isNotBlank();
        assertThat(a.tasks()).extracting(Task::id).containsExactly("t1", "t2");
        assertThat(a.removed()).isEmpty();
    }

    @Test
    void theNextAnswerCarriesOnlyChangedAndRemovedTasks() throws InterruptedException {
        String session = dispatcher.assignments("w1", null, Duration.ZERO).session();
        commit(new StoreOp.ReportTaskStatus("t1", TaskStatus.of(TaskState.RUNNING, T0, "started")),
                new StoreOp.DeleteTask("t2"), new StoreOp.CreateTask(task("t4", 4, "w1")));

        ClusterMessages.Assignments next = dispatcher.assignments("w1", session, Duration.ZERO);
        assertThat(next.full()).isFalse();
        assertThat(next.session()).isEqualTo(session);
        assertThat(next.tasks()).extracting(Task::id).containsExactly("t1", "t4");
        assertThat(next.tasks().get(0).status().state()).isEqualTo(TaskState.RUNNING);
        assertThat(next.removed()).containsExactly("t2");

        ClusterMessages.Assignments quiet = dispatcher.assignments("w1", session, Duration.ZERO);
        assertThat(quiet.full()).isFalse();
        assertThat(quiet.tasks()).isEmpty();
        assertThat(quiet.removed()).isEmpty();
    }

    @Test
    void sessionsOfDifferentNodesSeeOnlyTheirOwnTasks() throws InterruptedException {
        String s1 = dispatcher.assignments("w1", null, Duration.ZERO).session();
        ClusterMessages.Assignments w2 = dispatcher.assignments("w2", null, Duration.ZERO);
        assertThat(w2.tasks()).extracting(Task::id).containsExactly("t3");

        commit(new StoreOp.ReportTaskStatus("t3", TaskStatus.of(TaskState.RUNNING, T0, "started")));
        assertThat(dispatcher.assignments("w1", s1, Duration.ZERO).tasks()).isEmpty();
        assertThat(dispatcher.assignments("w2", w2.session(), Duration.ZERO).tasks()).extracting(Task::id)
                .containsExactly("t3");

        // Another node's session id is no way into its tasks: w2 gets a fresh session of its own.
        ClusterMessages.Assignments borrowed = dispatcher.assignments("w2", s1, Duration.ZERO);
        assertThat(borrowed.full()).isTrue();
        assertThat(borrowed.session()).isNotEqualTo(s1);
        assertThat(borrowed.tasks()).extracting(Task::id).containsExactly("t3");
    }

    @Test
    void aLongPollReturnsAsSoonAsAChangeOfItsNodeIsCommitted() throws Exception {
        String session = dispatcher.assignments("w1", null, Duration.ZERO).session();
        AtomicReference<ClusterMessages.Assignments> answer = new AtomicReference<>();
        Thread poll = poll(() -> answer.set(dispatcher.assignments("w1", session, Duration.ofSeconds(30))));
        soon().atMost(Duration.ofSeconds(5)).until(() -> poll.getState() == Thread.State.TIMED_WAITING);

        commit(new StoreOp.ReportTaskStatus("t2", TaskStatus.of(TaskState.RUNNING, T0, "started")));
        // Woken by the commit, not by its once-a-second recheck.
        soon().atMost(Duration.ofMillis(800)).until(() -> answer.get() != null);
        assertThat(answer.get().tasks()).extracting(Task::id).containsExactly("t2");
        poll.join(1_000);
    }

    @Test
    void aLongPollTimesOutEmptyWhenNothingOfItsNodeChanges() throws Exception {
        String session = dispatcher.assignments("w1", null, Duration.ZERO).session();
        AtomicReference<ClusterMessages.Assignments> answer = new AtomicReference<>();
        long started = System.nanoTime();
        Thread poll = poll(() -> answer.set(dispatcher.assignments("w1", session, Duration.ofMillis(150))));
        commit(new StoreOp.ReportTaskStatus("t3", TaskStatus.of(TaskState.RUNNING, T0, "another node's task")));
        poll.join(5_000);
        assertThat(answer.get()).isEqualTo(new ClusterMessages.Assignments(session, false, List.of(), List.of()));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void sessionsIdleForTwoMinutesAreForgotten() throws InterruptedException {
        String session = dispatcher.assignments("w1", null, Duration.ZERO).session();
        dispatcher.sweep();
        clock.advance(Duration.ofMinutes(2));
        dispatcher.sweep();
        assertThat(dispatcher.assignments("w1", session, Duration.ZERO).full()).isFalse();

        clock.advance(Duration.ofMinutes(2).plusMillis(1));
        dispatcher.sweep();
        ClusterMessages.Assignments again = dispatcher.assignments("w1", session, Duration.ZERO);
        assertThat(again.full()).isTrue();
        assertThat(again.session()).isNotEqualTo(session);
    }

    @Test
    void aStatusBatchIsOneCommitAndTasksOfOtherNodesAreIgnored() {
        long before = store.view().index();
        TaskStatus running = new TaskStatus(TaskState.RUNNING, T0 + 5, "started", "", -1, 4242);

        int ignored = dispatcher.report("w1", Map.of("t1", running, "t2", running, "t3", running, "nope", running));

        assertThat(ignored).isEqualTo(2);
        ClusterSnapshot after = store.view();
        assertThat(after.index()).isEqualTo(before + 1);
        assertThat(after.tasks().get("t1").status()).isEqualTo(running);
        assertThat(after.tasks().get("t2").status()).isEqualTo(running);
        assertThat(after.tasks().get("t3").status().state()).isEqualTo(TaskState.ASSIGNED);
    }

    @Test
    void aFollowerRefusesEverythingAndChangesNothing() {
        leading.set(false);
        ClusterSnapshot before = store.view();
        TaskStatus running = TaskStatus.of(TaskState.RUNNING, T0, "started");

        assertThatThrownBy(() -> dispatcher.heartbeat("w1")).isInstanceOf(Dispatcher.NotLeaderException.class)
                .hasMessage("this manager is not the leader");
        assertThatThrownBy(() -> dispatcher.assignments("w1", null, Duration.ofSeconds(30)))
                .isInstanceOf(Dispatcher.NotLeaderException.class);
        assertThatThrownBy(() -> dispatcher.report("w1", Map.of("t1", running)))
                .isInstanceOf(Dispatcher.NotLeaderException.class);
        assertThat(store.view()).isSameAs(before);
    }

    @Test
    void aNodeOutsideTheSwarmIsRefusedByName() {
        assertThatThrownBy(() -> dispatcher.heartbeat("gone"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("node gone is not part of this swarm (removed?)");
    }

    private static org.awaitility.core.ConditionFactory soon() {
        return await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    private Thread poll(Poll body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-long-poll");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private interface Poll {
        void run() throws InterruptedException;
    }

    private void commit(StoreOp... ops) {
        assertThat(writer.submit(StoreBatch.of(ops)).ok()).isTrue();
    }

    private Node.Status status(String nodeId) {
        return store.view().nodes().get(nodeId).status();
    }

    private static Node node(String id, Node.Role role, Node.Status status, String managerAddr) {
        return new Node(id, "host-" + id, role, Node.Availability.ACTIVE, status, "10.0.0.9", "test", Map.of(), T0, T0,
                managerAddr);
    }

    private static Task task(String id, int slot, String nodeId) {
        return new Task(id, "s1", "web", slot, nodeId, "img", List.of("run"), List.of(), 1, TaskState.RUNNING,
                TaskStatus.of(TaskState.ASSIGNED, T0, "assigned"), T0);
    }
}
