package io.trellis.controlplane.store;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Allocation as the store applies it: subnets, VNIs, VIPs and task addresses, and what frees them. */
class NetworkAllocatorTest {
    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("m1"));
    private long index = 10;

    @Test
    void subnetsComeFromThePoolInOrderAndSkipTheUsersOwn() {
        create("ingress", null, true);
        create("a", "10.0.1.0/24", false);
        create("b", null, false);
        assertThat(network("ingress").subnet()).isEqualTo("10.0.0.0/24");
        assertThat(network("ingress").gateway()).isEqualTo("10.0.0.1");
        assertThat(network("b").subnet()).isEqualTo("10.0.2.0/24");
        assertThat(List.of(network("ingress").vni(), network("a").vni(), network("b").vni()))
                .containsExactly(4096, 4097, 4098);
    }

    @Test
    void overlapsDuplicateNamesAndBadGatewaysAreRejected() {
        create("a", "10.0.1.0/24", false);
        assertThat(apply(createOp("b", "10.0.0.0/16", false)).error()).contains("overlaps 10.0.1.0/24 of network a");
        assertThat(apply(createOp("a", "10.9.0.0/24", false)).error()).contains("network with name a already exists");
        StoreOp badGateway = new StoreOp.CreateNetwork("g", new NetworkSpec("g", "overlay", "10.9.0.0/24", "10.8.0.1",
                false, false, false, Map.of()), List.of(), T0);
        assertThat(apply(badGateway).error()).contains("invalid gateway 10.8.0.1");
        assertThat(store.view().networks()).hasSize(1);
    }

    @Test
    void aFreedVniIsReused() {
        create("a", null, false);
        create("b", null, false);
        assertThat(apply(new StoreOp.DeleteNetwork(network("a").id())).ok()).isTrue();
        create("c", null, false);
        assertThat(network("c").vni()).isEqualTo(4096);
        assertThat(network("c").subnet()).isEqualTo("10.0.0.0/24");
    }

    @Test
    void vipFirstThenTasksLowestFreeAndAnEndedTaskGivesItsAddressBack() {
        create("a", "10.1.0.0/29", false); // hosts .1-.6: gateway .1, VIP .2, four tasks
        Service s = service("web", "a");
        assertThat(store.view().services().get(s.id()).virtualIps()).containsExactly(new VirtualIp(network("a").id(), "10.1.0.2"));
        for (int i = 1; i <= 5; i++) {
            apply(new StoreOp.CreateTask(task("t" + i, s, i)));
        }
        assertThat(address("t1")).isEqualTo("10.1.0.3");
        assertThat(address("t4")).isEqualTo("10.1.0.6");
        Task fifth = store.view().tasks().get("t5");
        assertThat(fifth.status().state()).isEqualTo(TaskState.REJECTED);
        assertThat(fifth.status().error()).contains("no free address on network a (10.1.0.0/29 is full)");

        apply(new StoreOp.ReportTaskStatus("t2", TaskStatus.of(TaskState.FAILED, T0, "failed")));
        apply(new StoreOp.CreateTask(task("t6", s, 2)));
        assertThat(address("t6")).isEqualTo("10.1.0.4");
    }

    @Test
    void anUpdateKeepsTheVipOfAKeptNetworkAndFreesTheOthers() {
        create("a", null, false);
        create("b", null, false);
        Service s = service("web", "a", "b");
        String vipA = store.view().services().get(s.id()).virtualIp(network("a").id());
        Service stored = store.view().services().get(s.id());
        ServiceSpec onlyA = stored.spec().withNetworks(List.of(new NetworkAttachmentSpec(network("a").id(), List.of())));
        assertThat(apply(new StoreOp.UpdateService(s.id(), stored.version(), onlyA, T0)).ok()).isTrue();
        Service updated = store.view().services().get(s.id());
        assertThat(updated.virtualIp(network("a").id())).isEqualTo(vipA);
        assertThat(updated.virtualIp(network("b").id())).isNull();
    }

    @Test
    void aNetworkInUseCannotBeRemoved() {
        create("a", null, false);
        Service s = service("web", "a");
        apply(new StoreOp.CreateTask(task("t1", s, 1)));
        assertThat(apply(new StoreOp.DeleteNetwork(network("a").id())).error())
                .isEqualTo("network a is in use by service web");
        apply(new StoreOp.DeleteService(s.id()));
        assertThat(apply(new StoreOp.DeleteNetwork(network("a").id())).error())
                .isEqualTo("network a has active endpoints (1 tasks still stopping)");
        apply(new StoreOp.ReportTaskStatus("t1", TaskStatus.of(TaskState.SHUTDOWN, T0, "shutdown")));
        assertThat(apply(new StoreOp.DeleteNetwork(network("a").id())).ok()).isTrue();
    }

    @Test
    void dnsrrServicesGetNoVipAndTheIngressNetworkTakesNoService() {
        create("a", null, false);
        create("ingress", null, true);
        ServiceSpec rr = new ServiceSpec("rr", "img", List.of("run"), List.of(), 1, ServiceSpec.Mode.REPLICATED,
                List.of(), 0, List.of(new NetworkAttachmentSpec(network("a").id(), List.of())),
                ServiceSpec.EndpointMode.DNSRR);
        apply(new StoreOp.CreateService(new Service("rr", rr, 1, T0, T0)));
        assertThat(store.view().services().get("rr").virtualIps()).isEmpty();
        ServiceSpec onIngress = rr.withNetworks(List.of(new NetworkAttachmentSpec(network("ingress").id(), List.of())));
        assertThat(apply(new StoreOp.CreateService(new Service("x", new ServiceSpec("x", "img", List.of(), List.of(), 1,
                ServiceSpec.Mode.REPLICATED, List.of(), 0, onIngress.networks(), ServiceSpec.EndpointMode.VIP), 1, T0,
                T0))).error()).contains("only for published ports");
    }

    private Service service(String name, String... networks) {
        List<NetworkAttachmentSpec> attachments = java.util.Arrays.stream(networks)
                .map(n -> new NetworkAttachmentSpec(network(n).id(), List.of())).toList();
        ServiceSpec spec = new ServiceSpec(name, "img", List.of("run"), List.of(), 1, ServiceSpec.Mode.REPLICATED,
                List.of(), 0, attachments, ServiceSpec.EndpointMode.VIP);
        Service s = new Service("s-" + name, spec, 1, T0, T0);
        assertThat(apply(new StoreOp.CreateService(s)).ok()).isTrue();
        return s;
    }

    private static Task task(String id, Service s, int slot) {
        return new Task(id, s.id(), s.name(), slot, null, "img", List.of("run"), List.of(), 1, TaskState.RUNNING,
                TaskStatus.of(TaskState.PENDING, T0, "pending"), T0);
    }

    private String address(String taskId) {
        Task t = store.view().tasks().get(taskId);
        return t.networks().get(0).address();
    }

    private void create(String name, String subnet, boolean ingress) {
        StoreReply r = apply(createOp(name, subnet, ingress));
        assertThat(r.ok()).as(r.error()).isTrue();
    }

    private static StoreOp createOp(String name, String subnet, boolean ingress) {
        return new StoreOp.CreateNetwork("id-" + name + "-" + subnet, new NetworkSpec(name, "overlay", subnet, null,
                false, false, ingress, Map.of()), List.of(), T0);
    }

    private Network network(String name) {
        return store.view().findNetwork(name).orElseThrow();
    }

    private StoreReply apply(StoreOp op) {
        return store.applyBatch(index++, StoreBatch.of(op));
    }
}
