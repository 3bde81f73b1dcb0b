package io.trellis.daemon.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.protocol.ClusterMessages.ServiceEntry;
import io.trellis.controlplane.store.NetworkAttachment;
import io.trellis.controlplane.store.PortConfig;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PortReadinessTest {
    private static final Task WEB = new Task("t1", "web", "web", 1, "me", "img", List.of(), List.of(), 1,
            TaskState.RUNNING, TaskStatus.of(TaskState.ASSIGNED, 0, "scheduled"), 0,
            List.of(new NetworkAttachment("app", "10.0.1.5"), new NetworkAttachment("ingress", "10.0.0.5")));

    private static PortConfig port(int published, int target, PortConfig.Protocol protocol, PortConfig.PublishMode mode) {
        return new PortConfig(published, target, protocol, mode, null);
    }

    private static IngressView view(Map<String, Path> local, PortConfig... ports) {
        ServiceEntry web = new ServiceEntry("web", "web", List.of(), "10.0.0.2", "vip", List.of(ports), "rr");
        ServiceEntry other = new ServiceEntry("api", "api", List.of(), "10.0.0.3", "vip",
                List.of(port(9000, 9000, PortConfig.Protocol.TCP, PortConfig.PublishMode.INGRESS)), "rr");
        return new IngressView("ingress", "10.0.0.0/24", "10.0.0.9", List.of(web, other), List.of(), local);
    }

    @Test
    void aTaskWaitsForEachTcpTargetPortOfItsServiceAtItsIngressAddress() {
        IngressView v = view(Map.of("t1", Path.of("/run/trellis/netns/t1")),
                port(8080, 80, PortConfig.Protocol.TCP, PortConfig.PublishMode.INGRESS),
                port(8443, 443, PortConfig.Protocol.TCP, PortConfig.PublishMode.HOST),
                port(8081, 80, PortConfig.Protocol.TCP, PortConfig.PublishMode.INGRESS),
                port(5353, 53, PortConfig.Protocol.UDP, PortConfig.PublishMode.INGRESS));
        assertThat(PortReadiness.targets(WEB, v)).containsExactly(
                new InetSocketAddress("10.0.0.5", 80), new InetSocketAddress("10.0.0.5", 443));
    }

    @Test
    void nothingToWaitForWithoutTcpPortsOrInterfacesHere() {
        PortConfig udp = port(5353, 53, PortConfig.Protocol.UDP, PortConfig.PublishMode.INGRESS);
        assertThat(PortReadiness.targets(WEB, view(Map.of("t1", Path.of("/ns")), udp))).isEmpty();
        PortConfig tcp = port(8080, 80, PortConfig.Protocol.TCP, PortConfig.PublishMode.INGRESS);
        assertThat(PortReadiness.targets(WEB, view(Map.of(), tcp))).isEmpty();
        assertThat(PortReadiness.targets(WEB, IngressView.NONE)).isEmpty();
    }
}
