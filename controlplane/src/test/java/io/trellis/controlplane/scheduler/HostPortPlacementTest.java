package io.trellis.controlplane.scheduler;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.NetworkAttachmentSpec;
import io.trellis.controlplane.store.NetworkSpec;
import io.trellis.controlplane.store.PortConfig;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.TaskState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A host-mode port is one listener per node, so one task holding it per node; an ingress port is not. */
class HostPortPlacementTest {
    private final PlacementFixture placed = new PlacementFixture(Fixtures.node("a"), Fixtures.node("b"));

    HostPortPlacementTest() {
        placed.apply(new StoreOp.CreateNetwork("ing", new NetworkSpec("ingress", "overlay", null, null, false, false,
                true, Map.of()), List.of(), T0));
    }

    @Test
    void aHostPortTakesOneTaskPerNodeAndTheRestWaitSayingWhy() {
        placed.createAndSchedule(service("s1", "web", 3, PortConfig.PublishMode.HOST, 8080));
        assertThat(placed.perNode("s1")).containsOnly(Map.entry("a", 1L), Map.entry("b", 1L));
        assertThat(placed.pendingErrors("s1"))
                .containsExactly("no suitable node (host-mode port 8080/tcp already in use on 2 nodes)");
        assertThat(placed.view().tasksOf("s1")).filteredOn(t -> t.nodeId() == null)
                .extracting(t -> t.status().state()).containsExactly(TaskState.PENDING);
        assertThat(new Scheduler().reconcile(placed.view(), T0 + 1)).isEmpty(); // no write loop
    }

    @Test
    void anIngressPortDoesNotLimitTasksPerNode() {
        placed.createAndSchedule(service("s1", "web", 3, PortConfig.PublishMode.INGRESS, 8080));
        assertThat(placed.perNode("s1").values()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(placed.pendingErrors("s1")).isEmpty();
    }

    @Test
    void twoServicesSharingAHostPortNeverShareANode() {
        placed.createAndSchedule(service("s1", "one", 1, PortConfig.PublishMode.HOST, 8080));
        String first = placed.view().tasksOf("s1").get(0).nodeId();
        placed.createAndSchedule(service("s2", "two", 2, PortConfig.PublishMode.HOST, 8080));
        assertThat(placed.perNode("s2")).containsOnlyKeys(first.equals("a") ? "b" : "a").containsValue(1L);
        assertThat(placed.pendingErrors("s2"))
                .containsExactly("no suitable node (host-mode port 8080/tcp already in use on 2 nodes)");
        placed.createAndSchedule(service("s3", "three", 2, PortConfig.PublishMode.HOST, 9090));
        assertThat(placed.perNode("s3")).containsOnly(Map.entry("a", 1L), Map.entry("b", 1L));
    }

    private static Service service(String id, String name, int replicas, PortConfig.PublishMode mode, int port) {
        return new Service(id, new ServiceSpec(name, "img", List.of("run"), List.of(), replicas,
                ServiceSpec.Mode.REPLICATED, List.of(), 0, List.of(new NetworkAttachmentSpec("ing", List.of())),
                ServiceSpec.EndpointMode.VIP, List.of(new PortConfig(port, 80, PortConfig.Protocol.TCP, mode, null)),
                null), 1, T0, T0);
    }
}
