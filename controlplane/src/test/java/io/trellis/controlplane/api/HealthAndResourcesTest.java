package io.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.ContainerSpec;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.HealthCheck;
import io.trellis.controlplane.store.NodeResources;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Health checks and resources on create and update: refused reservations, forced replacement on a change. */
class HealthAndResourcesTest {
    private static final long CPU = 1_000_000_000L;
    private final ClusterStore store = Fixtures.storeWith(
            Fixtures.node("a").withResources(new NodeResources(2 * CPU, 1L << 30)),
            Fixtures.node("b").withResources(new NodeResources(4 * CPU, 512L << 20)),
            Fixtures.node("old"));
    private final AtomicLong index = new AtomicLong(100);
    private final StoreWriter writer = new StoreWriter(
            entry -> CompletableFuture.completedFuture(store.apply(index.incrementAndGet(), entry)));
    private final ClusterApi api = new ClusterApi(store, writer, Clock.systemUTC());
    private final HealthAndResources updates = new HealthAndResources(store, writer, Clock.systemUTC());

    @Test
    void aReservationNoNodeCouldHoldIsRefusedOnCreate() {
        ContainerSpec fits = HealthAndResources.create(store.view(), ContainerSpec.DEFAULT, HealthOptions.NONE,
                new ResourceOptions(null, null, "4", "512m"));
        assertThat(fits.resources().reserveNanoCpus()).isEqualTo(4 * CPU);
        assertThatThrownBy(() -> HealthAndResources.create(store.view(), ContainerSpec.DEFAULT, HealthOptions.NONE,
                new ResourceOptions(null, null, "4", "1g")))
                .hasMessage("no node can reserve --reserve-cpu 4 and --reserve-memory 1GiB: the most any node has is"
                        + " 4 CPUs and 1GiB of memory");
        assertThatThrownBy(() -> HealthAndResources.create(store.view(), ContainerSpec.DEFAULT, HealthOptions.NONE,
                new ResourceOptions(null, null, "8", null)))
                .hasMessage("no node can reserve --reserve-cpu 8: the most any node has is 4 CPUs");
    }

    @Test
    void aChangedCheckOrReservationReplacesTheTasks() {
        Service s = api.createService(new ServiceSpec("web", "img", List.of("run"), List.of(), 2));
        Service updated = updates.update("web", new HealthOptions("true", "100ms", null, null, 2, null),
                new ResourceOptions(null, null, "1", null));
        assertThat(updated.spec().container().healthCheck())
                .isEqualTo(new HealthCheck(List.of("CMD-SHELL", "true"), 100, 30_000, 0, 2));
        assertThat(updated.spec().container().resources().reserveNanoCpus()).isEqualTo(CPU);
        assertThat(updated.spec().forceUpdate()).isEqualTo(s.version() + 1);

        Service same = updates.update("web", new HealthOptions(null, "100ms", null, null, null, null),
                ResourceOptions.NONE);
        assertThat(same.version()).as("nothing changed: nothing committed").isEqualTo(updated.version());
    }

    @Test
    void aRefusedUpdateChangesNothing() {
        api.createService(new ServiceSpec("web", "img", List.of("run"), List.of(), 1));
        Service before = api.service("web");
        assertThatThrownBy(() -> updates.update("web", HealthOptions.NONE, new ResourceOptions(null, null, "16", null)))
                .hasMessage("no node can reserve --reserve-cpu 16: the most any node has is 4 CPUs");
        assertThatThrownBy(() -> updates.update("web", new HealthOptions(null, null, null, null, 3, null),
                ResourceOptions.NONE)).hasMessage("--health-retries needs a health check: give --health-cmd too");
        assertThat(api.service("web")).isEqualTo(before);
    }
}
