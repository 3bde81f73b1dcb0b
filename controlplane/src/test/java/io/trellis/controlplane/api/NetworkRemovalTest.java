package io.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Network;
import io.trellis.controlplane.store.NetworkAttachmentSpec;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code network rm} right after {@code service rm}: the service is gone at once, its tasks only
 * once they have stopped, and until then they hold addresses on the network.
 */
class NetworkRemovalTest {
    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"));
    private final StoreWriter writer = Fixtures.directWriter(store, 100);
    private final ClusterApi services = new ClusterApi(store, writer, Clock.systemUTC());

    /** A network with a removed service whose one task still runs on it. */
    private Network networkWithAStoppingTask(NetworkApi networks) {
        Network n = networks.create("front", null, null, null, false, List.of(), Map.of());
        Service s = services.createService(new ServiceSpec("web", "img", List.of("run"), List.of(), 1,
                ServiceSpec.Mode.REPLICATED, List.of(), 0, List.of(new NetworkAttachmentSpec(n.id(), List.of())),
                ServiceSpec.EndpointMode.VIP));
        writer.submit(StoreBatch.of(new StoreOp.CreateTask(new Task("t1", s.id(), "web", 1, "n1", "img",
                List.of("run"), List.of(), s.version(), TaskState.RUNNING,
                TaskStatus.of(TaskState.RUNNING, Fixtures.T0, "started"), Fixtures.T0))));
        services.removeServices(List.of("web"));
        assertThat(store.view().tasks().get("t1").address(n.id())).isNotNull();
        return n;
    }

    private void taskStops() {
        writer.submit(StoreBatch.of(new StoreOp.ReportTaskStatus("t1",
                TaskStatus.of(TaskState.SHUTDOWN, Fixtures.T0 + 1, "stopped"))));
    }

    @Test
    void waitsForTheTasksOfARemovedServiceToStop() throws Exception {
        NetworkApi networks = new NetworkApi(store, writer, Clock.systemUTC(), Duration.ofSeconds(10));
        Network n = networkWithAStoppingTask(networks);

        CompletableFuture<List<String>> removal = CompletableFuture.supplyAsync(() -> networks.remove(List.of("front")));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !removal.isDone());
        taskStops();

        assertThat(removal.get(5, TimeUnit.SECONDS)).containsExactly("front");
        assertThat(store.view().networks()).doesNotContainKey(n.id());
    }

    @Test
    void givesUpAfterTheWaitAndSaysWhy() {
        NetworkApi networks = new NetworkApi(store, writer, Clock.systemUTC(), Duration.ofMillis(200));
        Network n = networkWithAStoppingTask(networks);

        assertThatThrownBy(() -> networks.remove(List.of("front")))
                .hasMessage("network front has active endpoints: 1 task still stopping after waiting 200 ms;"
                        + " try again once they have stopped")
                .extracting(e -> ((ApiException) e).kind()).isEqualTo(ApiException.Kind.CONFLICT);
        assertThat(store.view().networks()).containsKey(n.id());

        taskStops();
        assertThat(networks.remove(List.of("front"))).containsExactly("front");
    }

    @Test
    void aNetworkStillUsedByAServiceIsRefusedAtOnceNamingIt() {
        NetworkApi networks = new NetworkApi(store, writer, Clock.systemUTC(), Duration.ofSeconds(10));
        Network n = networks.create("back", null, null, null, false, List.of(), Map.of());
        services.createService(new ServiceSpec("db", "img", List.of("run"), List.of(), 1, ServiceSpec.Mode.REPLICATED,
                List.of(), 0, List.of(new NetworkAttachmentSpec(n.id(), List.of())), ServiceSpec.EndpointMode.VIP));

        long start = System.nanoTime();
        assertThatThrownBy(() -> networks.remove(List.of("back"))).hasMessage("network back is in use by service db");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
