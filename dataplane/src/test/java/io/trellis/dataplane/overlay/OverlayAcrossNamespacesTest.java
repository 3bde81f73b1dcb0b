package io.trellis.dataplane.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.overlay.OverlayDataplane;
import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.dataplane.tunnel.NamespaceTransfer;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.testing.netns.ScratchNamespaces;
import io.trellis.vxlan.ipv4.Ipv4Address;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three Trellis nodes in namespaces on one bridge, two overlays with the same subnet but different
 * VNIs, endpoints in task namespaces: endpoints of one overlay reach each other across nodes, and
 * nothing crosses from one VNI to the other.
 */
@Tag("netns")
class OverlayAcrossNamespacesTest {
    static final OverlayNetwork FRONT = new OverlayNetwork("front", "front", 100, Ipv4Address.parse("10.10.0.0"), 24, 1450, false);
    static final OverlayNetwork BACK = new OverlayNetwork("back", "back", 200, Ipv4Address.parse("10.10.0.0"), 24, 1450, false);

    @RegisterExtension
    static final ScratchNamespaces netns = new ScratchNamespaces("overlay");
    private static final Map<String, OverlayDataplane> nodes = new LinkedHashMap<>();
    private static final Map<String, NetworkNamespace> nodeNs = new LinkedHashMap<>();

    /** endpoint, network, node, address */
    private record Ep(String id, OverlayNetwork net, String node, String ip) {
        int ipv4() {
            return Ipv4Address.parse(ip);
        }
    }

    private static final List<Ep> ENDPOINTS = List.of(
            new Ep("e1", FRONT, "n1", "10.10.0.2"), new Ep("e2", FRONT, "n2", "10.10.0.3"),
            new Ep("e3", FRONT, "n3", "10.10.0.4"), new Ep("f1", BACK, "n1", "10.10.0.5"),
            new Ep("f3", BACK, "n3", "10.10.0.6"));

    @BeforeAll
    static void build() throws Exception {
        netns.create("hub");
        netns.sh("hub", "ip link add br0 type bridge && ip link set br0 up");
        int i = 1;
        for (String node : List.of("n1", "n2", "n3")) {
            nodeNs.put(node, NetworkNamespace.open(netns.create(node).path()));
            String addr = "172.32.0." + i++;
            netns.sh("hub", "ip link add v" + node + " type veth peer name eth0 netns " + netns.path(node)
                    + " && ip link set v" + node + " master br0 up");
            netns.sh(node, "ip addr add " + addr + "/24 dev eth0 && ip link set eth0 up");
            InetAddress local = InetAddress.getByName(addr);
            OverlayDataplane dp = nodeNs.get(node).call(() -> OverlayDataplane.start(local, 4789, Transport.auto(true), OffloadMode.AUTO));
            nodes.put(node, dp);
            dp.addNetwork(FRONT);
            dp.addNetwork(BACK);
        }
        for (Ep e : ENDPOINTS) {
            netns.create(e.id());
            OverlayDataplane dp = nodes.get(e.node());
            nodeNs.get(e.node()).call(() -> {
                dp.attach(e.net().id(), e.id(), netns.path(e.id()), "eth0", e.ipv4(), EndpointAddress.macOf(e.ipv4()));
                return null;
            });
        }
        // What the control plane would publish: every endpoint, with the VTEP of its node.
        for (OverlayDataplane dp : nodes.values()) {
            for (OverlayNetwork net : List.of(FRONT, BACK)) {
                List<EndpointInfo> remotes = new ArrayList<>();
                for (Ep e : ENDPOINTS) {
                    if (e.net() == net) {
                        int vtep = Ipv4Address.parse("172.32.0." + e.node().substring(1));
                        remotes.add(new EndpointInfo(e.id(), net.id(), e.ipv4(), EndpointAddress.macOf(e.ipv4()), vtep));
                    }
                }
                dp.setRemoteEndpoints(net.id(), remotes);
            }
        }
    }

    @AfterAll
    static void tearDown() {
        nodes.values().forEach(OverlayDataplane::close); // before the extension deletes the namespaces
    }

    @Test
    void endpointsOfOneOverlayReachEachOtherAcrossNodes() throws Exception {
        netns.sh("e1", "ping -c 2 -i 0.2 -W 2 10.10.0.3 && ping -c 2 -i 0.2 -W 2 10.10.0.4");
        netns.sh("e3", "ping -c 2 -i 0.2 -W 2 10.10.0.3");
        netns.sh("f1", "ping -c 2 -i 0.2 -W 2 10.10.0.6");
        assertThat(netns.sh("e2", "ip -o addr show eth0")).contains("10.10.0.3/24");
        assertThat(netns.sh("e2", "ip -o link show eth0")).contains("mtu 1450").contains("02:42:0a:0a:00:03");
    }

    @Test
    void carriesTcpAcrossNodes() throws Exception {
        NamespaceTransfer.transfer(NetworkNamespace.open(netns.path("e3")), NetworkNamespace.open(netns.path("e1")),
                "10.10.0.4", 2_000_000);
    }

    @Test
    void nothingCrossesBetweenVnis() throws Exception {
        long before = nodes.get("n1").counters("front").drops(DropReason.ARP_UNKNOWN_TARGET);
        long backDelivered = nodes.get("n3").counters("back").toPortsPackets.sum();
        // 10.10.0.6 exists only on the back overlay: the front overlay has no such address.
        assertThatThrownBy(() -> netns.sh("e1", "ping -c 1 -W 1 10.10.0.6")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> netns.sh("f1", "ping -c 1 -W 1 10.10.0.3")).isInstanceOf(IOException.class);
        assertThat(nodes.get("n1").counters("front").drops(DropReason.ARP_UNKNOWN_TARGET)).isGreaterThan(before);
        // Even with a forged neighbour entry, a front frame to a back MAC is dropped, never delivered.
        long unknown = nodes.get("n1").counters("front").drops(DropReason.UNKNOWN_DESTINATION);
        netns.sh("e1", "ip neigh replace 10.10.0.6 lladdr 02:42:0a:0a:00:06 dev eth0 nud permanent");
        assertThatThrownBy(() -> netns.sh("e1", "ping -c 1 -W 1 10.10.0.6")).isInstanceOf(IOException.class);
        assertThat(nodes.get("n1").counters("front").drops(DropReason.UNKNOWN_DESTINATION)).isGreaterThan(unknown);
        assertThat(nodes.get("n3").counters("back").toPortsPackets.sum()).isEqualTo(backDelivered);
    }
}
