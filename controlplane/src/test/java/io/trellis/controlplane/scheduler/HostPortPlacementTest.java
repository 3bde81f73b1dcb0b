package io.trellis.controlplane.scheduler;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.orchestrator.ReplicatedOrchestrator;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.NetworkAttachmentSpec;
import io.trellis.controlplane.store.NetworkSpec;
import io.trellis.controlplane.store.PortConfig;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A host-mode port is one listener per node, so one task holding it per node; an ingress port is not. */
class HostPortPlacementTest {
    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("a"), Fixtures.node("b"));
    private long index = 100;

    HostPortPlacementTest() {
        apply(new StoreOp.CreateNetwork("ing", new NetworkSpec("ingress", "overlay", null, null, false, false, true,
                Map.of()), List.of(), T0));
    }

    @Test
    void aHostPortTakesOneTaskPerNodeAndTheRestWaitSayingWhy() {
        createAndSchedule(service("s1", "web", 3, PortConfig.PublishMode.HOST, 8080));
        assertThat(perNode("s1")).containsOnly(Map.entry("a", 1L), Map.entry("b", 1L));
        assertThat(pendingErrors("s1"))
                .containsExactly("no suitable node (host-mode port 8080/tcp already in use on 2 nodes)");
        assertThat(store.view().tasksOf("s1")).filteredOn(t -> t.nodeId() == null)
                .extracting(t -> t.status().state()).containsExactly(TaskState.PENDING);
        assertThat(new Scheduler().reconcile(store.view(), T0 + 1)).isEmpty(); // no write loop
    }

    @Test
    void anIngressPortDoesNotLimitTasksPerNode() {
        createAndSchedule(service("s1", "web", 3, PortConfig.PublishMode.INGRESS, 8080));
        assertThat(perNode("s1").values()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(pendingErrors("s1")).isEmpty();
    }

    @Test
    void twoServicesSharingAHostPortNeverShareANode() {
        createAndSchedule(service("s1", "one", 1, PortConfig.PublishMode.HOST, 8080));
        String first = store.view().tasksOf("s1").get(0).nodeId();
        createAndSchedule(service("s2", "two", 2, PortConfig.PublishMode.HOST, 8080));
        assertThat(perNode("s2")).containsOnlyKeys(first.equals("a") ? "b" : "a").containsValue(1L);
        assertThat(pendingErrors("s2"))
                .containsExactly("no suitable node (host-mode port 8080/tcp already in use on 2 nodes)");
        createAndSchedule(service("s3", "three", 2, PortConfig.PublishMode.HOST, 9090));
        assertThat(perNode("s3")).containsOnly(Map.entry("a", 1L), Map.entry("b", 1L));
    }

    private static Service service(String id, String name, int replicas, PortConfig.PublishMode mode, int port) {
        return new Service(id, new ServiceSpec(name, "img", List.of("run"), List.of(), replicas,
                ServiceSpec.Mode.REPLICATED, List.of(), 0, List.of(new NetworkAttachmentSpec("ing", List.of())),
                ServiceSpec.EndpointMode.VIP, List.of(new PortConfig(port, 80, PortConfig.Protocol.TCP, mode, null)),
                null), 1, T0, T0);
    }

    private void createAndSchedule(Service s) {
        apply(new StoreOp.CreateService(s));
        assertThat(store.applyBatch(index++, new StoreBatch(new ReplicatedOrchestrator().reconcile(store.view(), T0)))
                .ok()).isTrue();
        assertThat(store.applyBatch(index++, new StoreBatch(new Scheduler().reconcile(store.view(), T0))).ok())
                .isTrue();
    }

    private Map<String, Long> perNode(String serviceId) {
        return store.view().tasksOf(serviceId).stream().filter(t -> t.nodeId() != null)
                .collect(Collectors.groupingBy(Task::nodeId, Collectors.counting()));
    }

    private List<String> pendingErrors(String serviceId) {
        return store.view().tasksOf(serviceId).stream().filter(t -> t.nodeId() == null)
                .map(t -> t.status().error()).toList();
    }

    private void apply(StoreOp op) {
        assertThat(store.applyBatch(index++, StoreBatch.of(op)).ok()).isTrue();
    }
}
