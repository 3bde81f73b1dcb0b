package io.trellis.controlplane.dispatcher;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.MutableClock;
import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Secret;
import io.trellis.controlplane.store.SecretReference;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A secret's value goes only to nodes with an assigned task using it that has not ended, and once. */
class DispatcherSecretsTest {
    private static final byte[] PW = "pw-value".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEY = "key-value".getBytes(StandardCharsets.UTF_8);

    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("m1"), Fixtures.worker("w1", Map.of()),
            Fixtures.worker("w2", Map.of()));
    private final StoreWriter writer = Fixtures.directWriter(store, 100);
    private final Dispatcher dispatcher = new Dispatcher(store, writer, () -> true, Duration.ofSeconds(5),
            new MutableClock(T0));
    private final ContainerSpec usesPw = ContainerSpec.DEFAULT.withSecrets(
            List.of(new SecretReference("x1", "db_pw", "db_pw", 0, 0, 0400)));

    DispatcherSecretsTest() {
        dispatcher.listenForCommits();
        commit(new StoreOp.CreateSecret(new Secret("x1", "db_pw", null, T0, T0, PW)),
                new StoreOp.CreateSecret(new Secret("x2", "api_key", null, T0, T0, KEY)));
        Service s = Fixtures.service("s1", "web", 2);
        commit(new StoreOp.CreateService(new Service("s1", s.spec().withContainer(usesPw), 1, T0, T0)),
                new StoreOp.CreateService(Fixtures.service("s2", "plain", 1)));
    }

    @AfterEach
    void close() {
        dispatcher.close();
    }

    @Test
    void aNodeWithoutATaskUsingTheSecretNeverReceivesIt() throws InterruptedException {
        commit(new StoreOp.CreateTask(task("t1", "s1", "w1", usesPw)),
                new StoreOp.CreateTask(task("t2", "s2", "w2", ContainerSpec.DEFAULT)));

        ClusterMessages.Assignments w1 = dispatcher.assignments("w1", null, Duration.ZERO);
        ClusterMessages.Assignments w2 = dispatcher.assignments("w2", null, Duration.ZERO);
        commit(new StoreOp.ReportTaskStatus("t2", TaskStatus.of(TaskState.RUNNING, T0, "started")));
        ClusterMessages.Assignments w2next = dispatcher.assignments("w2", w2.session(), Duration.ZERO);

        assertThat(w1.secrets()).containsOnlyKeys("x1");
        assertThat(Base64.getDecoder().decode(w1.secrets().get("x1"))).isEqualTo(PW);
        assertThat(w2.secrets()).isEmpty();
        assertThat(w2next.secrets()).isEmpty();
        assertThat(dispatcher.assignments("m1", null, Duration.ZERO).secrets()).isEmpty();
        assertThat(w1.toString()).doesNotContain(w1.secrets().get("x1"));
    }

    @Test
    void aValueIsSentOnceAndForgottenWhenTheLastTaskUsingItEnds() throws InterruptedException {
        commit(new StoreOp.CreateTask(task("t1", "s1", "w1", usesPw)));
        String session = dispatcher.assignments("w1", null, Duration.ZERO).session();

        commit(new StoreOp.CreateTask(task("t3", "s1", "w1", usesPw)));
        ClusterMessages.Assignments second = dispatcher.assignments("w1", session, Duration.ZERO);
        assertThat(second.tasks()).extracting(Task::id).containsExactly("t3");
        assertThat(second.secrets()).as("already sent in this session").isEmpty();

        commit(new StoreOp.ReportTaskStatus("t1", TaskStatus.of(TaskState.COMPLETE, T0, "finished")));
        assertThat(dispatcher.assignments("w1", session, Duration.ZERO).removedSecrets()).isEmpty();

        commit(new StoreOp.ReportTaskStatus("t3", TaskStatus.of(TaskState.FAILED, T0, "failed")));
        ClusterMessages.Assignments ended = dispatcher.assignments("w1", session, Duration.ZERO);
        assertThat(ended.removedSecrets()).containsExactly("x1");
        assertThat(ended.secrets()).isEmpty();

        ClusterMessages.Assignments fresh = dispatcher.assignments("w1", null, Duration.ZERO);
        assertThat(fresh.full()).isTrue();
        assertThat(fresh.secrets()).as("a new session of a node whose tasks ended").isEmpty();
    }

    @Test
    void aTaskAssignedLaterBringsItsSecretInTheNextIncrementalAnswer() throws InterruptedException {
        String session = dispatcher.assignments("w2", null, Duration.ZERO).session();
        commit(new StoreOp.CreateTask(task("t1", "s1", null, usesPw)));
        assertThat(dispatcher.assignments("w2", session, Duration.ZERO).secrets()).as("not placed yet").isEmpty();

        commit(new StoreOp.AssignTask("t1", "w2", TaskStatus.of(TaskState.ASSIGNED, T0, "assigned")));
        ClusterMessages.Assignments next = dispatcher.assignments("w2", session, Duration.ZERO);

        assertThat(next.full()).isFalse();
        assertThat(next.secrets()).containsOnlyKeys("x1");
    }

    private void commit(StoreOp... ops) {
        assertThat(writer.submit(StoreBatch.of(ops)).ok()).isTrue();
    }

    private static Task task(String id, String serviceId, String nodeId, ContainerSpec container) {
        return new Task(id, serviceId, "web", 1, nodeId, "img", List.of("run"), List.of(), 1, TaskState.RUNNING,
                TaskStatus.of(nodeId == null ? TaskState.PENDING : TaskState.ASSIGNED, T0, "assigned"), T0, List.of(),
                container);
    }
}
