package io.trellis.controlplane.dispatcher;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.MutableClock;
import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.NetworkAttachmentSpec;
import io.trellis.controlplane.store.NetworkKey;
import io.trellis.controlplane.store.NetworkSpec;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Endpoint maps through the assignment stream: a node gets exactly the networks it has tasks on,
 * keys included, then only what changed; a node with no task on a network learns nothing of it.
 */
class EndpointMapsTest {
    private final MutableClock clock = new MutableClock(T0);
    private final ClusterStore store = Fixtures.storeWith(worker("w1", "192.0.2.1"), worker("w2", "192.0.2.2"),
            worker("w3", "192.0.2.3"));
    private final StoreWriter writer = Fixtures.directWriter(store, 100);
    private final Dispatcher dispatcher = new Dispatcher(store, writer, () -> true, Duration.ofSeconds(5), clock);

    EndpointMapsTest() {
        dispatcher.listenForCommits();
        commit(new StoreOp.CreateNetwork("na", new NetworkSpec("a", "overlay", null, null, false, true, false, Map.of()),
                List.of(new NetworkKey("c2VjcmV0c2VjcmV0c2VjcmV0", T0)), T0));
        commit(new StoreOp.CreateNetwork("nb", new NetworkSpec("b", "overlay", null, null, false, false, false, Map.of()),
                List.of(), T0));
        commit(new StoreOp.CreateService(service("web", "na")), new StoreOp.CreateService(service("db", "nb")));
        commit(new StoreOp.CreateTask(task("t1", "web", 1, "w1")), new StoreOp.CreateTask(task("t2", "web", 2, "w2")),
                new StoreOp.CreateTask(task("t3", "db", 1, "w3")));
    }

    @AfterEach
    void close() {
        dispatcher.close();
    }

    @Test
    void aNodeLearnsOnlyTheNetworksItHasTasksOnThenOnlyChanges() throws Exception {
        ClusterMessages.Assignments w1 = dispatcher.assignments("w1", null, Duration.ZERO);
        assertThat(w1.networks()).extracting(ClusterMessages.NetworkChange::networkId).containsExactly("na");
        ClusterMessages.NetworkChange a = w1.networks().get(0);
        assertThat(a.network().keys()).containsExactly("c2VjcmV0c2VjcmV0c2VjcmV0");
        assertThat(a.endpoints()).extracting(ClusterMessages.Endpoint::taskId).containsExactlyInAnyOrder("t1", "t2");
        assertThat(a.endpoints()).extracting(ClusterMessages.Endpoint::nodeAddress)
                .containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2");
        assertThat(a.services()).extracting(ClusterMessages.ServiceEntry::name).containsExactly("web");
        assertThat(a.services().get(0).vip()).isEqualTo("10.0.0.2");

        ClusterMessages.Assignments w3 = dispatcher.assignments("w3", null, Duration.ZERO);
        assertThat(w3.networks()).extracting(ClusterMessages.NetworkChange::networkId).containsExactly("nb");
        assertThat(w3.networks().get(0).network().keys()).isEmpty();

        // t2 runs: one endpoint changes, nothing else is sent again.
        commit(new StoreOp.ReportTaskStatus("t2", TaskStatus.of(TaskState.RUNNING, T0, "started")));
        ClusterMessages.Assignments next = dispatcher.assignments("w1", w1.session(), Duration.ofSeconds(1));
        assertThat(next.full()).isFalse();
        assertThat(next.networks()).singleElement().satisfies(c -> {
            assertThat(c.network()).isNull();
            assertThat(c.endpoints()).singleElement().satisfies(e -> {
                assertThat(e.taskId()).isEqualTo("t2");
                assertThat(e.backend()).isTrue();
            });
            assertThat(c.services()).isEmpty();
        });

        // w1's last task on "a" ends: it leaves the network (and stops getting its keys).
        commit(new StoreOp.ReportTaskStatus("t1", TaskStatus.of(TaskState.FAILED, T0, "failed")));
        ClusterMessages.Assignments left = dispatcher.assignments("w1", next.session(), Duration.ofSeconds(1));
        assertThat(left.removedNetworks()).containsExactly("na");
        commit(new StoreOp.SetNetworkKeys("na", List.of(new NetworkKey("bmV3bmV3bmV3bmV3bmV3bmV3", T0))));
        ClusterMessages.Assignments after = dispatcher.assignments("w1", left.session(), Duration.ZERO);
        assertThat(after.networks()).isEmpty();
        ClusterMessages.Assignments w2 = dispatcher.assignments("w2", null, Duration.ZERO);
        assertThat(w2.networks().get(0).network().keys()).containsExactly("bmV3bmV3bmV3bmV3bmV3bmV3");
    }

    private static Node worker(String id, String address) {
        return new Node(id, "host-" + id, Node.Role.WORKER, Node.Availability.ACTIVE, Node.Status.READY, address,
                "test", Map.of(), T0, T0, null);
    }

    private static Service service(String name, String network) {
        return new Service(name, new ServiceSpec(name, "img", List.of("run"), List.of(), 2, ServiceSpec.Mode.REPLICATED,
                List.of(), 0, List.of(new NetworkAttachmentSpec(network, List.of())), ServiceSpec.EndpointMode.VIP),
                1, T0, T0);
    }

    private static Task task(String id, String service, int slot, String node) {
        return new Task(id, service, service, slot, node, "img", List.of("run"), List.of(), 1, TaskState.RUNNING,
                TaskStatus.of(TaskState.ASSIGNED, T0, "assigned"), T0);
    }

    private void commit(StoreOp... ops) {
        assertThat(writer.submit(new StoreBatch(List.of(ops))).ok()).isTrue();
    }
}
