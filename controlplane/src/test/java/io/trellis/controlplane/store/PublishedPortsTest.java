package io.trellis.controlplane.store;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The store's own check of published ports, as every replica applies it: whatever order two requests reach
 * the leader in, two services never hold the same listener, and the holder is named.
 */
class PublishedPortsTest {
    private final ClusterStore store = Fixtures.storeWith(Fixtures.node("m1"));
    private long index = 10;

    PublishedPortsTest() {
        assertThat(apply(new StoreOp.CreateNetwork("ing", new NetworkSpec("ingress", "overlay", null, null, false,
                false, true, Map.of()), List.of(), T0)).ok()).isTrue();
    }

    @Test
    void aSecondIngressPortOfTheSameNumberIsRefusedNamingTheFirst() {
        assertThat(create("web", ingress(8080)).ok()).isTrue();
        ClusterSnapshot before = store.view();
        assertThat(create("api", ingress(8080)).error()).isEqualTo("port 8080/tcp is already published by service web");
        assertThat(store.view().services()).isEqualTo(before.services());
    }

    @Test
    void tcpAndUdpOfOneNumberCoexist() {
        assertThat(create("web", ingress(8080)).ok()).isTrue();
        PortConfig udp = new PortConfig(8080, 53, PortConfig.Protocol.UDP, PortConfig.PublishMode.INGRESS, null);
        assertThat(create("dns", udp).ok()).isTrue();
    }

    @Test
    void hostModePortsOfOneNumberCoexist() {
        assertThat(create("a", host(8080)).ok()).isTrue();
        assertThat(create("b", host(8080)).ok()).isTrue();
    }

    @Test
    void anIngressPortClashesWithAnotherServicesHostPortEitherWay() {
        assertThat(create("a", host(8080)).ok()).isTrue();
        assertThat(create("b", ingress(8080)).error()).isEqualTo("port 8080/tcp is already published by service a");
        assertThat(create("c", ingress(9090)).ok()).isTrue();
        assertThat(create("d", host(9090)).error()).isEqualTo("port 9090/tcp is already published by service c");
    }

    @Test
    void anUpdateKeepingItsOwnPortIsFineAndOneTakingAnothersIsNot() {
        create("web", ingress(8080));
        create("api", ingress(9090));
        Service web = store.view().serviceByName("web").orElseThrow();
        assertThat(apply(new StoreOp.UpdateService(web.id(), web.version(), web.spec().withReplicas(3), T0)).ok())
                .isTrue();
        Service api = store.view().serviceByName("api").orElseThrow();
        assertThat(apply(new StoreOp.UpdateService(api.id(), api.version(),
                api.spec().withPorts(List.of(ingress(9090), ingress(8080))), T0)).error())
                .isEqualTo("port 8080/tcp is already published by service web");
        assertThat(store.view().serviceByName("api").orElseThrow().spec().ports()).containsExactly(ingress(9090));
    }

    @Test
    void portsWithoutTheIngressAttachmentAreRefused() {
        ServiceSpec detached = spec("web", List.of(), ingress(8080));
        assertThat(apply(new StoreOp.CreateService(new Service("s-web", detached, 1, T0, T0))).error())
                .isEqualTo("service web publishes ports but is not attached to the ingress network");
        assertThat(store.view().services()).isEmpty();
    }

    @Test
    void portsWithoutAnIngressNetworkOrOutOfRangeAreRefused() {
        ClusterStore bare = Fixtures.storeWith(Fixtures.node("m1"));
        StoreReply r = bare.applyBatch(10, StoreBatch.of(new StoreOp.CreateService(
                new Service("s-web", spec("web", List.of(), ingress(8080)), 1, T0, T0))));
        assertThat(r.error()).isEqualTo("there is no ingress network to publish service web on");
        assertThat(create("zero", ingress(0)).error())
                .isEqualTo("published port 0 of service zero is out of range 1-65535");
    }

    private static PortConfig ingress(int published) {
        return new PortConfig(published, 80, PortConfig.Protocol.TCP, PortConfig.PublishMode.INGRESS, null);
    }

    private static PortConfig host(int published) {
        return new PortConfig(published, 80, PortConfig.Protocol.TCP, PortConfig.PublishMode.HOST, null);
    }

    /** A service publishing {@code ports}, attached to the ingress network as the API does it. */
    private StoreReply create(String name, PortConfig... ports) {
        ServiceSpec spec = spec(name, List.of(new NetworkAttachmentSpec("ing", List.of())), ports);
        return apply(new StoreOp.CreateService(new Service("s-" + name, spec, 1, T0, T0)));
    }

    private static ServiceSpec spec(String name, List<NetworkAttachmentSpec> networks, PortConfig... ports) {
        return new ServiceSpec(name, "img", List.of("run"), List.of(), 1, ServiceSpec.Mode.REPLICATED, List.of(), 0,
                networks, ServiceSpec.EndpointMode.VIP, List.of(ports), null);
    }

    private StoreReply apply(StoreOp op) {
        return store.applyBatch(index++, StoreBatch.of(op));
    }
}
