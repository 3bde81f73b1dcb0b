package io.trellis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.Json;
import io.trellis.api.NetworkAddress;
import io.trellis.api.NetworkView;
import io.trellis.api.ServiceView;
import io.trellis.api.TaskView;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.NetworkAttachmentSpec;
import io.trellis.controlplane.store.NetworkKey;
import io.trellis.controlplane.store.NetworkSpec;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin API's views of networks and of the network side of services and tasks. */
class NetworkViewsTest {
    private static final long T0 = 1_700_000_000_000L;
    private final ClusterStore store = new ClusterStore();
    private long index;

    private void apply(StoreOp... ops) {
        StoreReply reply = store.applyBatch(++index, StoreBatch.of(ops));
        assertThat(reply.ok()).as(reply.error()).isTrue();
    }

    private static Node node(String id, String hostname, String address) {
        return new Node(id, hostname, Node.Role.WORKER, Node.Availability.ACTIVE, Node.Status.READY, address, "test",
                Map.of(), T0, T0, null);
    }

    private static ServiceSpec spec(String name, ServiceSpec.EndpointMode mode, String... networkIds) {
        return new ServiceSpec(name, "img", List.of("run"), List.of(), 2, ServiceSpec.Mode.REPLICATED, List.of(), 0,
                List.of(networkIds).stream().map(id -> new NetworkAttachmentSpec(id, List.of())).toList(), mode);
    }

    private void task(String id, Service s, String nodeId, TaskState state) {
        apply(new StoreOp.CreateTask(new Task(id, s.id(), s.name(), 1, nodeId, "img", List.of("run"), List.of(),
                s.version(), TaskState.RUNNING, TaskStatus.of(state, T0, ""), T0)));
    }

    @Test
    void aNetworkShowsItsServicesVipsAndTheNodesWithLiveTasksButNoKey() {
        NetworkKey key = NetworkKey.generate(T0);
        apply(new StoreOp.InitCluster(new ClusterInfo("c1", T0)), new StoreOp.PutNode(node("n1", "alpha", "192.0.2.1")),
                new StoreOp.PutNode(node("n2", "beta", "192.0.2.2")), new StoreOp.PutNode(node("n3", "gamma", "192.0.2.3")),
                new StoreOp.CreateNetwork("net1", new NetworkSpec("front", "overlay", "10.9.0.0/24", null, true, true,
                        false, Map.of("team", "a")), List.of(key), T0),
                new StoreOp.CreateNetwork("net2", new NetworkSpec("back", "overlay", null, null, false, false, false,
                        null), List.of(), T0));
        apply(new StoreOp.CreateService(new Service("s1", spec("web", ServiceSpec.EndpointMode.VIP, "net1", "net2"),
                        1, T0, T0)),
                new StoreOp.CreateService(new Service("s2", spec("dns", ServiceSpec.EndpointMode.DNSRR, "net1"), 1, T0, T0)));
        ClusterSnapshot view = store.view();
        Service web = view.services().get("s1");
        task("t1", web, "n2", TaskState.RUNNING);
        task("t2", web, "n1", TaskState.ASSIGNED);
        task("t3", view.services().get("s2"), "n3", TaskState.FAILED); // ended: n3 is no peer
        view = store.view();

        NetworkView front = ApiViews.network(view.networks().get("net1"), view);

        assertThat(front.name()).isEqualTo("front");
        assertThat(front.scope()).isEqualTo("swarm");
        assertThat(front.driver()).isEqualTo("overlay");
        assertThat(front.subnet()).isEqualTo("10.9.0.0/24");
        assertThat(front.gateway()).isEqualTo("10.9.0.1");
        assertThat(front.vni()).isEqualTo(4096);
        assertThat(front.encrypted()).isTrue();
        assertThat(front.attachable()).isTrue();
        assertThat(front.labels()).containsExactly(Map.entry("team", "a"));
        assertThat(front.services()).containsExactly(new NetworkView.ServiceEndpoint("dns", ""),
                new NetworkView.ServiceEndpoint("web", "10.9.0.2"));
        assertThat(front.peers()).containsExactly(new NetworkView.Peer("alpha", "192.0.2.1"),
                new NetworkView.Peer("beta", "192.0.2.2"));
        String json = new String(Json.bytes(List.of(front, ApiViews.service(web, view),
                ApiViews.task(view.tasks().get("t1"), view))), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain(key.secret()).doesNotContainIgnoringCase("key");

        ServiceView service = ApiViews.service(web, view);
        assertThat(service.networks()).containsExactly("front", "back");
        assertThat(service.virtualIps()).containsExactly(new NetworkAddress("front", "10.9.0.2"),
                new NetworkAddress("back", "10.0.0.2"));
        TaskView task = ApiViews.task(view.tasks().get("t1"), view);
        assertThat(task.networks()).containsExactly(new NetworkAddress("front", "10.9.0.3"),
                new NetworkAddress("back", "10.0.0.3"));
    }
}
