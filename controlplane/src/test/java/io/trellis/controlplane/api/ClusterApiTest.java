package io.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClusterApiTest {
    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"), Fixtures.worker("abc1", Map.of()),
            Fixtures.worker("abc2", Map.of("zone", "a")));
    private final AtomicLong index = new AtomicLong(100);
    /** Applies proposals straight to the store: the log's job is tested in the raft package. */
    private final ClusterApi api = new ClusterApi(store,
            new StoreWriter(entry -> CompletableFuture.completedFuture(store.apply(index.incrementAndGet(), entry))),
            Clock.systemUTC());

    private static ServiceSpec spec(String name, int replicas, String... env) {
        return new ServiceSpec(name, "img", List.of("run"), List.of(env), replicas);
    }

    @Test
    void createsAndFindsByNameOrIdPrefix() {
        var s = api.createService(spec("web", 2, "A=b=c"));
        assertThat(api.service("web").id()).isEqualTo(s.id());
        assertThat(api.service(s.id().substring(0, 6)).name()).isEqualTo("web");
        assertThat(s.spec().env()).containsExactly("A=b=c");
    }

    @Test
    void keepsLabelsThroughLaterChangesAndRefusesABadKey() {
        var s = api.createService(spec("web", 1).withLabels(Map.of("com.docker.stack.namespace", "demo")));
        api.scale(Map.of("web", 3));
        assertThat(api.service(s.id()).spec().labels()).containsExactly(Map.entry("com.docker.stack.namespace", "demo"));
        assertThat(api.service(s.id()).spec().replicas()).isEqualTo(3);
        assertThatThrownBy(() -> api.createService(spec("api", 1).withLabels(Map.of("a b", "x"))))
                .hasMessageStartingWith("invalid label \"a b\"");
        assertThat(api.view().serviceByName("api")).isEmpty();
    }

    @Test
    void rejectsBadInputWithOneLineAndChangesNothing() {
        api.createService(spec("web", 1));
        ClusterSnapshot before = store.view();
        assertThatThrownBy(() -> api.createService(spec("web", 1))).hasMessage("service web already exists");
        assertThatThrownBy(() -> api.createService(spec("api", -1)))
                .hasMessage("invalid replicas -1 for api: must be between 0 and 10000");
        assertThatThrownBy(() -> api.createService(spec("api", 1, "NOEQUALS")))
                .hasMessage("invalid --env \"NOEQUALS\": expected KEY=VALUE");
        assertThatThrownBy(() -> api.createService(spec("bad name", 1))).hasMessageStartingWith("invalid service name");
        assertThatThrownBy(() -> api.service("nope")).hasMessage("service nope not found")
                .extracting(e -> ((ApiException) e).kind()).isEqualTo(ApiException.Kind.NOT_FOUND);
        assertThat(store.view().services()).isEqualTo(before.services());
    }

    @Test
    void scalesSeveralServicesAtomically() {
        api.createService(spec("a", 1));
        api.createService(spec("b", 1));
        Map<String, Integer> bad = new LinkedHashMap<>();
        bad.put("a", 3);
        bad.put("missing", 2);
        assertThatThrownBy(() -> api.scale(bad)).hasMessage("service missing not found");
        assertThat(api.service("a").spec().replicas()).isEqualTo(1);
        api.scale(Map.of("a", 3, "b", 5));
        assertThat(api.service("a").spec().replicas()).isEqualTo(3);
        assertThat(api.service("b").spec().replicas()).isEqualTo(5);
    }

    @Test
    void removesOnlyWhenAllNamesExist() {
        api.createService(spec("a", 1));
        assertThatThrownBy(() -> api.removeServices(List.of("a", "zzz"))).hasMessage("service zzz not found");
        assertThat(store.view().serviceByName("a")).isPresent();
        assertThat(api.removeServices(List.of("a"))).containsExactly("a");
        assertThat(store.view().services()).isEmpty();
    }

    private static ServiceSpec placed(String name, ServiceSpec.Mode mode, int replicas, int maxPerNode, String... c) {
        return new ServiceSpec(name, "img", List.of("run"), List.of(), replicas, mode, List.of(c), maxPerNode);
    }

    @Test
    void createsGlobalAndConstrainedServices() {
        var g = api.createService(placed("g", ServiceSpec.Mode.GLOBAL, 0, 0, "node.role==worker"));
        assertThat(g.spec().global()).isTrue();
        assertThat(g.spec().constraints()).containsExactly("node.role==worker");
        var r = api.createService(placed("r", ServiceSpec.Mode.REPLICATED, 3, 1, "node.labels.zone!=b"));
        assertThat(r.spec().maxReplicasPerNode()).isEqualTo(1);
    }

    @Test
    void rejectsBadPlacementWithOneLineAndChangesNothing() {
        ClusterSnapshot before = store.view();
        assertThatThrownBy(() -> api.createService(placed("x", ServiceSpec.Mode.REPLICATED, 1, 0, "node.role=manager")))
                .hasMessage("invalid constraint \"node.role=manager\": expected KEY==VALUE or KEY!=VALUE");
        assertThatThrownBy(() -> api.createService(placed("x", ServiceSpec.Mode.REPLICATED, 1, 0, "foo==bar")))
                .hasMessageContaining("KEY must be node.id, node.hostname, node.role or node.labels.NAME");
        assertThatThrownBy(() -> api.createService(placed("x", ServiceSpec.Mode.GLOBAL, 2, 0)))
                .hasMessage("--replicas can only be used with --mode replicated");
        assertThatThrownBy(() -> api.createService(placed("x", ServiceSpec.Mode.GLOBAL, 0, 1)))
                .hasMessage("--replicas-max-per-node can only be used with --mode replicated");
        assertThatThrownBy(() -> api.createService(placed("x", ServiceSpec.Mode.REPLICATED, 1, -1)))
                .hasMessage("invalid --replicas-max-per-node -1: must be 0 (no limit) or more");
        assertThatThrownBy(() -> ServiceSpecValidator.mode("both"))
                .hasMessage("invalid --mode \"both\": use replicated or global");
        assertThat(store.view().services()).isEqualTo(before.services());
    }

    @Test
    void refusesToScaleAGlobalService() {
        api.createService(placed("g", ServiceSpec.Mode.GLOBAL, 0, 0));
        api.createService(spec("r", 1));
        assertThatThrownBy(() -> api.scale(Map.of("r", 2, "g", 3)))
                .hasMessage("service g is global: scale can only be used with replicated mode");
        assertThat(api.service("r").spec().replicas()).isEqualTo(1);
    }

    @Test
    void findsNodesByIdHostnameOrUniquePrefix() {
        assertThat(api.node("n1").id()).isEqualTo("n1");
        assertThat(api.node("host-abc2").id()).isEqualTo("abc2");
        assertThat(api.node("abc1").id()).isEqualTo("abc1");
        assertThat(api.node("n").id()).isEqualTo("n1");
        assertThatThrownBy(() -> api.node("abc")).hasMessage("node abc is ambiguous (2 matches found): use its ID");
        assertThatThrownBy(() -> api.node("zzz")).hasMessage("node zzz not found")
                .extracting(e -> ((ApiException) e).kind()).isEqualTo(ApiException.Kind.NOT_FOUND);
    }

    @Test
    void updatesAvailabilityAndLabels() {
        var n = api.updateNode("host-abc2", "drain", List.of("disk=ssd", "gpu"), List.of("zone"));
        assertThat(n.availability()).isEqualTo(Node.Availability.DRAIN);
        assertThat(n.labels()).containsOnly(Map.entry("disk", "ssd"), Map.entry("gpu", ""));
        assertThat(n.status()).isEqualTo(Node.Status.READY);
        n = api.updateNode("abc2", "Active", List.of("disk=nvme"), List.of());
        assertThat(n.availability()).isEqualTo(Node.Availability.ACTIVE);
        assertThat(n.labels()).containsEntry("disk", "nvme");
        // Added and removed in one command: removed, as the Docker CLI does it.
        assertThat(api.updateNode("abc2", null, List.of("tmp=1"), List.of("tmp")).labels()).doesNotContainKey("tmp");
    }

    @Test
    void rejectsBadNodeUpdatesWithOneLineAndChangesNothing() {
        ClusterSnapshot before = store.view();
        assertThatThrownBy(() -> api.updateNode("n1", "sleep", List.of(), List.of()))
                .hasMessage("invalid --availability \"sleep\": use active, pause or drain");
        assertThatThrownBy(() -> api.updateNode("n1", null, List.of(), List.of()))
                .hasMessage("nothing to update: give --availability, --label-add or --label-rm");
        assertThatThrownBy(() -> api.updateNode("n1", "pause", List.of("a=1"), List.of("nope")))
                .hasMessage("key nope doesn't exist in node's labels");
        assertThatThrownBy(() -> api.updateNode("n1", null, List.of("=v"), List.of()))
                .hasMessageStartingWith("invalid --label-add \"=v\"");
        assertThatThrownBy(() -> api.updateNode("n1", null, List.of("a b=v"), List.of()))
                .hasMessageStartingWith("invalid --label-add");
        assertThatThrownBy(() -> api.updateNode("ghost", "drain", List.of(), List.of())).hasMessage("node ghost not found");
        assertThat(store.view().nodes()).isEqualTo(before.nodes());
    }

    @Test
    void listsTheTasksOfANode() {
        var s = api.createService(spec("web", 2));
        long i = 500;
        store.applyBatch(i++, new io.trellis.controlplane.store.StoreBatch(
                new io.trellis.controlplane.orchestrator.ReplicatedOrchestrator().reconcile(store.view(), 1)));
        for (var t : store.view().tasksOf(s.id())) {
            store.applyBatch(i++, io.trellis.controlplane.store.StoreBatch.of(new io.trellis.controlplane.store.StoreOp
                    .AssignTask(t.id(), "abc1", t.status())));
        }
        assertThat(api.nodeTasks("host-abc1")).extracting(io.trellis.controlplane.store.Task::slot).containsExactly(1, 2);
        assertThat(api.nodeTasks("n1")).isEmpty();
    }
}
