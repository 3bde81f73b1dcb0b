package io.trellis.daemon.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.protocol.ClusterMessages.Endpoint;
import io.trellis.controlplane.protocol.ClusterMessages.ServiceEntry;
import io.trellis.controlplane.store.PortConfig;
import io.trellis.daemon.network.IngressView;
import io.trellis.dataplane.balance.Backend;
import io.trellis.ingress.mesh.PortPlan;
import io.trellis.ingress.proxy.ProxyProtocol;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngressPlansTest {
    private static final String ME = "node-a";
    private static final PortConfig WEB_8080 = new PortConfig(8080, 80, PortConfig.Protocol.TCP,
            PortConfig.PublishMode.INGRESS, PortConfig.ProxyProtocolVersion.V2);
    private static final PortConfig DNS_53 = new PortConfig(53, 5353, PortConfig.Protocol.UDP,
            PortConfig.PublishMode.INGRESS, null);
    private static final PortConfig EDGE_443 = new PortConfig(443, 8443, PortConfig.Protocol.TCP,
            PortConfig.PublishMode.HOST, null);

    private static ServiceEntry service(String id, String name, String algorithm, PortConfig... ports) {
        return new ServiceEntry(id, name, List.of(), "10.0.0.100", "vip", List.of(ports), algorithm);
    }

    private static Endpoint task(String id, String service, String address, String node, boolean backend) {
        return new Endpoint(id, service + "." + id, service, address, node, "172.30.0.1", node, backend);
    }

    private static Endpoint sandbox(String node, String address) {
        return new Endpoint("ingress-sbox-" + node, "ingress-sbox", null, address, node, "172.30.0.1", node, false);
    }

    private static IngressView view(String own, List<ServiceEntry> services, List<Endpoint> endpoints) {
        return new IngressView("ingress-id", "10.0.0.0/24", own, services, endpoints, Map.of());
    }

    @Test
    void ingressModeRelaysToEveryRunningTaskAndSaysHow() {
        IngressView view = view("10.0.0.2", List.of(service("web", "web", "maglev", WEB_8080, DNS_53)), List.of(
                task("t1", "web", "10.0.0.5", ME, true),
                task("t2", "web", "10.0.0.6", "node-b", true),
                task("t3", "web", "10.0.0.7", "node-b", false), // starting or stopping: no backend
                sandbox(ME, "10.0.0.2"), sandbox("node-b", "10.0.0.3")));
        List<PortPlan> plans = IngressPlans.of(ME, view);
        assertThat(plans).extracting(PortPlan::key).containsExactly("8080/tcp", "53/udp");
        PortPlan web = plans.get(0);
        assertThat(web.algorithm()).isEqualTo("maglev");
        assertThat(web.mode()).isEqualTo("ingress");
        assertThat(web.proxyProtocol()).isEqualTo(ProxyProtocol.V2);
        assertThat(web.backends()).extracting(Backend::id).containsExactlyInAnyOrder("t1", "t2");
        assertThat(web.backends()).extracting(b -> b.address().getPort()).containsOnly(80);
        assertThat(plans.get(1).udp()).isTrue();
        assertThat(plans.get(1).backends()).extracting(b -> b.address().getPort()).containsOnly(5353);
        assertThat(IngressPlans.needsSandbox(view)).isTrue();
        assertThat(IngressPlans.endpointAddresses(view)).hasSize(5);
    }

    @Test
    void aNodeWithoutItsIngressAddressRelaysOnlyToItsOwnTasks() {
        IngressView view = view(null, List.of(service("web", "web", "rr", WEB_8080)), List.of(
                task("t1", "web", "10.0.0.5", ME, true),
                task("t2", "web", "10.0.0.6", "node-b", true)));
        assertThat(IngressPlans.of(ME, view)).singleElement()
                .satisfies(p -> assertThat(p.backends()).extracting(Backend::id).containsExactly("t1"));
        assertThat(IngressPlans.needsSandbox(view)).isFalse();
    }

    @Test
    void hostModeListensOnlyWhereATaskRunsAndOnlyToIt() {
        ServiceEntry edge = service("edge", "edge", "rr", EDGE_443);
        IngressView mine = view("10.0.0.2", List.of(edge), List.of(
                task("t1", "edge", "10.0.0.5", ME, true),
                task("t2", "edge", "10.0.0.6", "node-b", true)));
        assertThat(IngressPlans.of(ME, mine)).singleElement().satisfies(p -> {
            assertThat(p.mode()).isEqualTo("host");
            assertThat(p.backends()).extracting(Backend::id).containsExactly("t1");
        });
        // A task here that is not running yet: the node listens (clients wait for it), with no backend.
        IngressView starting = view("10.0.0.2", List.of(edge), List.of(task("t1", "edge", "10.0.0.5", ME, false)));
        assertThat(IngressPlans.of(ME, starting)).singleElement().satisfies(p -> assertThat(p.backends()).isEmpty());
        IngressView elsewhere = view("10.0.0.2", List.of(edge), List.of(task("t2", "edge", "10.0.0.6", "node-b", true)));
        assertThat(IngressPlans.of(ME, elsewhere)).isEmpty();
        assertThat(IngressPlans.needsSandbox(elsewhere)).isFalse();
    }

    @Test
    void notOnTheIngressNetworkMeansNothingPublished() {
        assertThat(IngressPlans.of(ME, new IngressView(null, null, null, List.of(), List.of(), Map.of()))).isEmpty();
    }
}
