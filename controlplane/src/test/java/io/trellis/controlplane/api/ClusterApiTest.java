package io.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
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
    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"));
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
}
