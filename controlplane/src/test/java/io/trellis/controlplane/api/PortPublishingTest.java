package io.trellis.controlplane.api;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Network;
import io.trellis.controlplane.store.NetworkAttachmentSpec;
import io.trellis.controlplane.store.NetworkSpec;
import io.trellis.controlplane.store.PortConfig;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreWriter;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code service create --publish} and {@code service update --publish-add/--publish-rm/--lb-algorithm}
 * through the API over a store that applies each batch at once: dynamic ports, the ingress attachment that
 * follows the ports, and refusals that write nothing.
 */
class PortPublishingTest {
    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"), Fixtures.worker("w1", Map.of()));
    private final StoreWriter writer = Fixtures.directWriter(store, 100);
    private final ClusterApi api = new ClusterApi(store, writer, Clock.systemUTC());
    private final NetworkApi networks = new NetworkApi(store, writer, Clock.systemUTC());
    private final Network ingress;

    PortPublishingTest() {
        // As swarm init makes it.
        assertThat(writer.submit(StoreBatch.of(new StoreOp.CreateNetwork("ing", new NetworkSpec("ingress", "overlay",
                null, null, false, false, true, Map.of()), List.of(), T0))).ok()).isTrue();
        ingress = store.view().networks().get("ing");
    }

    @Test
    void portsLeftAtZeroGetTheLowestFreeDynamicPort() {
        assertThat(api.createService(spec("a", List.of(), "80")).spec().ports())
                .extracting(PortConfig::published).containsExactly(30000);
        assertThat(api.createService(spec("b", List.of(), "80")).spec().ports())
                .extracting(PortConfig::published).containsExactly(30001);
        // udp 30000 is another listener; tcp 30002 is taken by an explicit port.
        assertThat(api.createService(spec("c", List.of(), "53/udp")).spec().ports())
                .extracting(PortConfig::published).containsExactly(30000);
        api.createService(spec("d", List.of(), "30002:80"));
        assertThat(api.updatePorts("b", List.of(publish("81")), List.of(), null).spec().ports())
                .extracting(PortConfig::published).containsExactly(30001, 30003);
    }

    @Test
    void aDynamicPortSkipsOneTheSameRequestAsksForExplicitly() {
        assertThat(api.createService(spec("a", List.of(), "80", "30000:81")).spec().ports())
                .extracting(PortConfig::display).containsExactly("*:30001->80/tcp", "*:30000->81/tcp");
    }

    @Test
    void theIngressNetworkIsAttachedLastWhilePortsArePublished() {
        Network front = networks.create("front", null, null, null, false, List.of(), Map.of());
        Service web = api.createService(spec("web", List.of(front.id()), "8080:80"));
        assertThat(web.spec().networkIds()).containsExactly(front.id(), ingress.id());
        assertThat(web.virtualIp(ingress.id())).isNotNull();

        web = api.updatePorts("web", List.of(publish("9090:90")), List.of(), null);
        assertThat(web.spec().ports()).extracting(PortConfig::display)
                .containsExactly("*:8080->80/tcp", "*:9090->90/tcp");
        assertThat(web.spec().networkIds()).containsExactly(front.id(), ingress.id());

        Network back = networks.create("back", null, null, null, false, List.of(), Map.of());
        web = api.updateNetworks("web", List.of(new NetworkAttachmentSpec("back", List.of())), List.of());
        assertThat(web.spec().networkIds()).containsExactly(front.id(), back.id(), ingress.id());

        web = api.updatePorts("web", List.of(), List.of("80"), null);
        assertThat(web.spec().ports()).extracting(PortConfig::display).containsExactly("*:9090->90/tcp");
        assertThat(web.spec().networkIds()).contains(ingress.id());

        web = api.updatePorts("web", List.of(), List.of("9090:90"), null);
        assertThat(web.spec().ports()).isEmpty();
        assertThat(web.spec().networkIds()).containsExactly(front.id(), back.id());
        assertThat(web.virtualIp(ingress.id())).isNull();
    }

    @Test
    void aServiceWithoutNetworksGetsOnlyIngressAndLosesItWithTheLastPort() {
        Service web = api.createService(spec("web", List.of(), "8080:80", "8081:80/udp"));
        assertThat(web.spec().networkIds()).containsExactly(ingress.id());
        web = api.updatePorts("web", List.of(), List.of("80", "80/udp"), null);
        assertThat(web.spec().ports()).isEmpty();
        assertThat(web.spec().networkIds()).isEmpty();
    }

    @Test
    void theLbAlgorithmIsCheckedAndChangedAlone() {
        api.createService(spec("web", List.of(), "8080:80"));
        assertThat(api.service("web").spec().lbAlgorithm()).isEqualTo("rr");
        assertThat(api.updatePorts("web", List.of(), List.of(), "maglev").spec().lbAlgorithm()).isEqualTo("maglev");
        assertThat(api.service("web").spec().ports()).extracting(PortConfig::published).containsExactly(8080);
    }

    @Test
    void refusedRequestsSayWhyAndWriteNothing() {
        Network front = networks.create("front", null, null, null, false, List.of(), Map.of());
        api.createService(spec("web", List.of(front.id()), "8080:80"));
        ClusterSnapshot before = store.view();

        refused(() -> api.createService(spec("api", List.of(), "8080:81")), ApiException.Kind.CONFLICT,
                "port 8080/tcp is already published by service web");
        refused(() -> api.createService(spec("api", List.of(), "9090:81", "9090:82")), ApiException.Kind.INVALID,
                "port 9090/tcp is published twice");
        refused(() -> api.createService(spec("api", List.of(), "9090:81").withLbAlgorithm("random")),
                ApiException.Kind.INVALID, "unknown --lb-algorithm \"random\": use rr, least-conn or maglev");
        refused(() -> api.updatePorts("web", List.of(), List.of(), "fastest"), ApiException.Kind.INVALID,
                "unknown --lb-algorithm \"fastest\": use rr, least-conn or maglev");
        refused(() -> api.updatePorts("web", List.of(), List.of("81"), null), ApiException.Kind.INVALID,
                "service web publishes no port 81");
        refused(() -> api.updatePorts("web", List.of(), List.of("80/udp"), null), ApiException.Kind.INVALID,
                "service web publishes no port 80/udp");
        refused(() -> api.updatePorts("web", List.of(), List.of("9999:80"), null), ApiException.Kind.INVALID,
                "service web publishes no port 9999:80");
        refused(() -> api.updatePorts("web", List.of(), List.of("x"), null), ApiException.Kind.INVALID,
                "invalid --publish-rm \"x\": target port \"x\" must be a number between 1 and 65535");
        refused(() -> api.updatePorts("web", List.of(), List.of(), null), ApiException.Kind.INVALID,
                "nothing to update: give --publish-add, --publish-rm or --lb-algorithm");
        refused(() -> api.updateNetworks("web", List.of(), List.of("ingress")), ApiException.Kind.INVALID,
                "the ingress network ingress follows the published ports: use --publish-rm");
        refused(() -> api.updateNetworks("web", List.of(new NetworkAttachmentSpec("ingress", List.of())), List.of()),
                ApiException.Kind.INVALID,
                "the ingress network ingress is only for published ports: services cannot attach to it with --network");

        assertThat(store.view().index()).isEqualTo(before.index());
        assertThat(store.view()).isEqualTo(before);
    }

    @Test
    void withoutAnIngressNetworkNothingCanBePublished() {
        ClusterStore bare = Fixtures.storeWith(Fixtures.node("n1"));
        ClusterApi bareApi = new ClusterApi(bare, Fixtures.directWriter(bare, 100), Clock.systemUTC());
        refused(() -> bareApi.createService(spec("web", List.of(), "8080:80")), ApiException.Kind.INVALID,
                "there is no ingress network to publish ports on");
        assertThat(bare.view().services()).isEmpty();
    }

    private static void refused(Runnable request, ApiException.Kind kind, String message) {
        assertThatThrownBy(request::run).isInstanceOf(ApiException.class).hasMessage(message)
                .extracting(e -> ((ApiException) e).kind()).isEqualTo(kind);
    }

    private static PortConfig publish(String text) {
        return PublishOption.parse("--publish", text);
    }

    private static ServiceSpec spec(String name, List<String> networkIds, String... ports) {
        List<NetworkAttachmentSpec> attachments = networkIds.stream()
                .map(id -> new NetworkAttachmentSpec(id, List.of())).toList();
        return new ServiceSpec(name, "img", List.of("run"), List.of(), 1, ServiceSpec.Mode.REPLICATED, List.of(), 0,
                attachments, ServiceSpec.EndpointMode.VIP,
                Arrays.stream(ports).map(PortPublishingTest::publish).toList(), null);
    }
}
