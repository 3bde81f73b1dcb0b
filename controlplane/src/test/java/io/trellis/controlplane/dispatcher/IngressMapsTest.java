package io.trellis.controlplane.dispatcher;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.MutableClock;
import io.trellis.controlplane.protocol.ClusterMessages.Assignments;
import io.trellis.controlplane.protocol.ClusterMessages.Endpoint;
import io.trellis.controlplane.protocol.ClusterMessages.NetworkChange;
import io.trellis.controlplane.protocol.ClusterMessages.ServiceEntry;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.NetworkAttachmentSpec;
import io.trellis.controlplane.store.NetworkSpec;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.PortConfig;
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
 * The ingress network's map through the assignment stream: while a port is published in ingress mode every
 * node listens, so every node gets the map, with each node's sandbox in it; otherwise a node without a task
 * on a network learns nothing of it.
 */
class IngressMapsTest {
    private static final PortConfig INGRESS_8080 = new PortConfig(8080, 80, PortConfig.Protocol.TCP,
            PortConfig.PublishMode.INGRESS, null);
    private static final PortConfig HOST_9090 = new PortConfig(9090, 90, PortConfig.Protocol.TCP,
            PortConfig.PublishMode.HOST, null);

    private final MutableClock clock = new MutableClock(T0);
    private final ClusterStore store = Fixtures.storeWith(worker("w1", "192.0.2.1"), worker("w2", "192.0.2.2"),
            worker("w3", "192.0.2.3"));
    private final StoreWriter writer = Fixtures.directWriter(store, 100);
    private final Dispatcher dispatcher = new Dispatcher(store, writer, () -> true, Duration.ofSeconds(5), clock);

    IngressMapsTest() {
        dispatcher.listenForCommits();
        commit(new StoreOp.CreateNetwork("ing", new NetworkSpec("ingress", "overlay", null, null, false, false, true,
                Map.of()), List.of(), T0));
        commit(new StoreOp.CreateNetwork("na", new NetworkSpec("a", "overlay", null, null, false, false, false,
                Map.of()), List.of(), T0));
    }

    @AfterEach
    void close() {
        dispatcher.close();
    }

    @Test
    void anIngressPortPutsEveryNodeOnTheIngressNetworkWithEachNodesSandbox() throws Exception {
        commit(new StoreOp.CreateService(service("web", "least-conn", INGRESS_8080)));
        commit(new StoreOp.CreateTask(task("t1", "web", 1, "w1")), new StoreOp.CreateTask(task("t2", "web", 2, "w2")));

        Assignments w3 = dispatcher.assignments("w3", null, Duration.ZERO);
        assertThat(w3.tasks()).isEmpty();
        assertThat(w3.networks()).extracting(NetworkChange::networkId).containsExactly("ing");
        NetworkChange ingress = w3.networks().get(0);
        assertThat(ingress.endpoints()).extracting(Endpoint::taskId).containsExactlyInAnyOrder("t1", "t2",
                EndpointMaps.sandboxEndpointId("w1"), EndpointMaps.sandboxEndpointId("w2"),
                EndpointMaps.sandboxEndpointId("w3"));
        for (String nodeId : List.of("w1", "w2", "w3")) {
            Node node = store.view().nodes().get(nodeId);
            assertThat(node.ingressAddress()).isNotNull();
            assertThat(ingress.endpoints()).filteredOn(e -> e.taskId().equals(EndpointMaps.sandboxEndpointId(nodeId)))
                    .singleElement().satisfies(e -> {
                        assertThat(e.backend()).isFalse();
                        assertThat(e.serviceId()).isNull();
                        assertThat(e.address()).isEqualTo(node.ingressAddress());
                        assertThat(e.nodeId()).isEqualTo(nodeId);
                        assertThat(e.nodeAddress()).isEqualTo(node.address());
                    });
        }
        assertThat(ingress.services()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("web");
            assertThat(s.ports()).containsExactly(INGRESS_8080);
            assertThat(s.lbAlgorithm()).isEqualTo("least-conn");
            assertThat(s.vip()).isEqualTo(store.view().services().get("web").virtualIp("ing"));
        });

        // A node with a task gets its other networks too, and the ports on each of the service's entries.
        Assignments w1 = dispatcher.assignments("w1", null, Duration.ZERO);
        assertThat(w1.networks()).extracting(NetworkChange::networkId).containsExactlyInAnyOrder("ing", "na");
        assertThat(w1.networks()).flatExtracting(NetworkChange::services).extracting(ServiceEntry::ports)
                .containsOnly(List.of(INGRESS_8080));
    }

    @Test
    void withoutAnIngressPortANodeWithoutATaskGetsNothing() throws Exception {
        commit(new StoreOp.CreateService(service("plain", null)),
                new StoreOp.CreateService(service("direct", null, HOST_9090)));
        commit(new StoreOp.CreateTask(task("t1", "plain", 1, "w1")), new StoreOp.CreateTask(task("t2", "direct", 1,
                "w2")));

        assertThat(dispatcher.assignments("w3", null, Duration.ZERO).networks()).isEmpty();
        // The node running the host-mode task is on ingress through its task, with no sandboxes listed.
        Assignments w2 = dispatcher.assignments("w2", null, Duration.ZERO);
        assertThat(w2.networks()).extracting(NetworkChange::networkId).containsExactlyInAnyOrder("ing", "na");
        assertThat(w2.networks()).flatExtracting(NetworkChange::endpoints).extracting(Endpoint::taskId)
                .containsOnly("t1", "t2");
        assertThat(dispatcher.assignments("w1", null, Duration.ZERO).networks()).extracting(NetworkChange::networkId)
                .containsExactly("na");
    }

    @Test
    void theLastIngressPortGoneTheNodesWithoutTasksLeave() throws Exception {
        commit(new StoreOp.CreateService(service("web", null, INGRESS_8080)));
        Assignments w3 = dispatcher.assignments("w3", null, Duration.ZERO);
        assertThat(w3.networks()).extracting(NetworkChange::networkId).containsExactly("ing");

        commit(new StoreOp.DeleteService("web"));
        Assignments left = dispatcher.assignments("w3", w3.session(), Duration.ofSeconds(1));
        assertThat(left.removedNetworks()).containsExactly("ing");
    }

    private static Node worker(String id, String address) {
        return new Node(id, "host-" + id, Node.Role.WORKER, Node.Availability.ACTIVE, Node.Status.READY, address,
                "test", Map.of(), T0, T0, null);
    }

    /** A service on network "a" and, when it publishes, on ingress (last, as the API attaches it). */
    private static Service service(String name, String lbAlgorithm, PortConfig... ports) {
        List<NetworkAttachmentSpec> networks = ports.length == 0
                ? List.of(new NetworkAttachmentSpec("na", List.of()))
                : List.of(new NetworkAttachmentSpec("na", List.of()), new NetworkAttachmentSpec("ing", List.of()));
        return new Service(name, new ServiceSpec(name, "img", List.of("run"), List.of(), 2, ServiceSpec.Mode.REPLICATED,
                List.of(), 0, networks, ServiceSpec.EndpointMode.VIP, List.of(ports), lbAlgorithm), 1, T0, T0);
    }

    private static Task task(String id, String service, int slot, String node) {
        return new Task(id, service, service, slot, node, "img", List.of("run"), List.of(), 1, TaskState.RUNNING,
                TaskStatus.of(TaskState.ASSIGNED, T0, "assigned"), T0);
    }

    private void commit(StoreOp... ops) {
        assertThat(writer.submit(new StoreBatch(List.of(ops))).ok()).isTrue();
    }
}
