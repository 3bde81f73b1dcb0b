package io.trellis.controlplane.store;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Each node's own address on the ingress network (its ingress sandbox), as the store gives it: for the
 * node's life, from the same pool as VIPs and task addresses, and never to two holders.
 */
class IngressAddressesTest {
    private long index = 10;

    @Test
    void nodesStoredBeforeTheIngressNetworkGetAddressesInIdOrderWhenItIsCreated() {
        // "zz" comes before "a" in a small hash map: the order must not depend on that, or replicas disagree.
        ClusterStore store = Fixtures.storeWith(Fixtures.node("zz"), Fixtures.node("a"), Fixtures.node("m"));
        assertThat(store.view().nodes().values()).allMatch(n -> n.ingressAddress() == null);
        createIngress(store, null);
        assertThat(ingressAddress(store, "a")).isEqualTo("10.0.0.2");
        assertThat(ingressAddress(store, "m")).isEqualTo("10.0.0.3");
        assertThat(ingressAddress(store, "zz")).isEqualTo("10.0.0.4");
    }

    @Test
    void aNodeStoredAgainKeepsItsAddress() {
        ClusterStore store = Fixtures.storeWith(Fixtures.node("a"));
        createIngress(store, null);
        apply(store, new StoreOp.PutNode(Fixtures.node("b")));
        assertThat(ingressAddress(store, "b")).isEqualTo("10.0.0.3");

        // What a node reports carries no ingress address, or a stale one: the stored one stays.
        apply(store, new StoreOp.PutNode(Fixtures.node("b").withStatus(Node.Status.DOWN, T0 + 1)));
        assertThat(ingressAddress(store, "b")).isEqualTo("10.0.0.3");
        apply(store, new StoreOp.PutNode(Fixtures.node("b").withIngressAddress("10.0.0.2")));
        assertThat(ingressAddress(store, "b")).isEqualTo("10.0.0.3");
        apply(store, new StoreOp.SetNodeStatus("b", Node.Status.READY, T0 + 2));
        assertThat(ingressAddress(store, "b")).isEqualTo("10.0.0.3");
    }

    @Test
    void nodeAddressesAreNeverHandedToTasksOrVipsAndARemovedNodeFreesItsOwn() {
        ClusterStore store = Fixtures.storeWith(Fixtures.node("a"), Fixtures.node("b"));
        createIngress(store, "10.9.0.0/29"); // hosts .1-.6: gateway .1, nodes .2 .3, then the VIP and two tasks
        ServiceSpec spec = new ServiceSpec("web", "img", List.of("run"), List.of(), 3, ServiceSpec.Mode.REPLICATED,
                List.of(), 0, List.of(new NetworkAttachmentSpec("ing", List.of())), ServiceSpec.EndpointMode.VIP,
                List.of(new PortConfig(8080, 80, null, null, null)), null);
        assertThat(apply(store, new StoreOp.CreateService(new Service("s1", spec, 1, T0, T0))).ok()).isTrue();
        for (int slot = 1; slot <= 3; slot++) {
            apply(store, new StoreOp.CreateTask(task("t" + slot, slot)));
        }
        apply(store, new StoreOp.PutNode(Fixtures.node("c")));

        ClusterSnapshot full = store.view();
        assertThat(full.services().get("s1").virtualIp("ing")).isEqualTo("10.9.0.4");
        assertThat(full.tasks().get("t3").status().state()).isEqualTo(TaskState.REJECTED);
        assertThat(full.nodes().get("c").ingressAddress()).isNull();
        assertThat(holders(full)).containsExactlyInAnyOrder("10.9.0.2", "10.9.0.3", "10.9.0.4", "10.9.0.5",
                "10.9.0.6");

        assertThat(apply(store, new StoreOp.DeleteNode("b", T0)).ok()).isTrue();
        apply(store, new StoreOp.PutNode(Fixtures.node("c")));
        assertThat(ingressAddress(store, "c")).isEqualTo("10.9.0.3");
        assertThat(holders(store.view())).doesNotHaveDuplicates().hasSize(5);
    }

    /** Every address of the ingress network a node, a VIP or a task that has not ended holds, duplicates kept. */
    private static List<String> holders(ClusterSnapshot s) {
        List<String> all = new ArrayList<>();
        s.nodes().values().stream().map(Node::ingressAddress).filter(Objects::nonNull).forEach(all::add);
        s.services().values().stream().map(v -> v.virtualIp("ing")).filter(Objects::nonNull).forEach(all::add);
        s.tasks().values().stream().filter(NetworkAllocator::holdsAddress).map(t -> t.address("ing"))
                .filter(Objects::nonNull).forEach(all::add);
        return all;
    }

    private static Task task(String id, int slot) {
        return new Task(id, "s1", "web", slot, null, "img", List.of("run"), List.of(), 1, TaskState.RUNNING,
                TaskStatus.of(TaskState.PENDING, T0, "pending"), T0);
    }

    private void createIngress(ClusterStore store, String subnet) {
        StoreReply r = apply(store, new StoreOp.CreateNetwork("ing", new NetworkSpec("ingress", "overlay", subnet, null,
                false, false, true, Map.of()), List.of(), T0));
        assertThat(r.ok()).as(r.error()).isTrue();
    }

    private static String ingressAddress(ClusterStore store, String nodeId) {
        return store.view().nodes().get(nodeId).ingressAddress();
    }

    private StoreReply apply(ClusterStore store, StoreOp op) {
        return store.applyBatch(index++, StoreBatch.of(op));
    }
}
