package io.trellis.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.overlay.OverlayDataplane;
import io.trellis.dataplane.overlay.OverlayPath;
import io.trellis.dataplane.tunnel.NamespaceTransfer;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.testing.netns.ScratchNamespaces;
import io.trellis.vxlan.ipv4.Ipv4Address;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One overlay across three nodes on a bridged veth underlay with default offloads: n1 and n3 switch it
 * in the kernel ({@link KernelOverlay}), n2 in user space ({@link OverlayDataplane}), all with the same
 * VNI and port, one task each. Tasks reach each other both ways, over ICMP and TCP; an endpoint taken
 * out of a kernel node's list is no longer reached from there.
 */
@Tag("netns")
class KernelOverlayInteropTest {
    static final OverlayNetwork NET = new OverlayNetwork("net", "net", 300, Ipv4Address.parse("10.20.0.0"), 24, 1450,
            false);

    @RegisterExtension
    static final ScratchNamespaces netns = new ScratchNamespaces("kinterop");
    private static final Map<String, OverlayPath> paths = new LinkedHashMap<>();

    /** task namespace, its node, its address */
    private record Task(String name, String node, String ip) {
        int ipv4() {
            return Ipv4Address.parse(ip);
        }

        EndpointInfo endpoint() {
            return new EndpointInfo(name, NET.id(), ipv4(), EndpointAddress.macOf(ipv4()),
                    Ipv4Address.parse(underlay(node)));
        }
    }

    private static final List<Task> TASKS = List.of(new Task("t1", "n1", "10.20.0.2"),
            new Task("t2", "n2", "10.20.0.3"), new Task("t3", "n3", "10.20.0.4"));

    static String underlay(String node) {
        return "172.33.0." + node.substring(1);
    }

    @BeforeAll
    static void build() throws Exception {
        netns.create("hub");
        netns.sh("hub", "ip link add br0 type bridge && ip link set br0 up");
        for (String node : List.of("n1", "n2", "n3")) {
            netns.create(node);
            netns.sh("hub", "ip link add v" + node + " type veth peer name eth0 netns " + netns.path(node)
                    + " && ip link set v" + node + " master br0 up");
            netns.sh(node, "ip addr add " + underlay(node) + "/24 dev eth0 && ip link set eth0 up");
            Inet4Address local = (Inet4Address) InetAddress.getByName(underlay(node));
            OverlayPath path = NetworkNamespace.open(netns.path(node)).call(() -> node.equals("n2")
                    ? OverlayDataplane.start(local, 4789, Transport.auto(true), OffloadMode.AUTO)
                    : KernelOverlay.start(local, 4789));
            paths.put(node, path);
            path.addNetwork(NET);
        }
        for (Task t : TASKS) {
            netns.create(t.name());
            // The user-space path makes its TAP in the calling thread's namespace: the node's.
            NetworkNamespace.open(netns.path(t.node())).call(() -> {
                paths.get(t.node()).attach(NET.id(), t.name(), netns.path(t.name()), "eth0", t.ipv4(),
                        EndpointAddress.macOf(t.ipv4()));
                return null;
            });
        }
        for (String node : paths.keySet()) {
            publishAllBut(node, null);
        }
    }

    /** What the control plane would send {@code node}: the other nodes' endpoints, but {@code left} if given. */
    private static void publishAllBut(String node, String left) {
        List<EndpointInfo> remotes = new ArrayList<>();
        for (Task t : TASKS) {
            if (!t.node().equals(node) && !t.name().equals(left)) {
                remotes.add(t.endpoint());
            }
        }
        paths.get(node).setRemoteEndpoints(NET.id(), remotes);
    }

    @AfterAll
    static void tearDown() {
        paths.values().forEach(OverlayPath::close); // before the extension deletes the namespaces
    }

    @Test
    void kernelAndUserSpaceTasksPingEachOther() throws Exception {
        netns.sh("t1", "ping -c 2 -i 0.2 -W 2 10.20.0.3");
        netns.sh("t2", "ping -c 2 -i 0.2 -W 2 10.20.0.2");
        assertThat(netns.sh("t1", "ip -o link show eth0")).contains("mtu 1450").contains("02:42:0a:14:00:02");
        assertThat(netns.sh("t1", "ip -o addr show eth0")).contains("10.20.0.2/24");
    }

    @Test
    void tcpFromKernelNodeToUserSpaceNode() throws Exception {
        NamespaceTransfer.transfer(ns("t2"), ns("t1"), "10.20.0.3", 4 << 20);
    }

    @Test
    void tcpFromUserSpaceNodeToKernelNode() throws Exception {
        NamespaceTransfer.transfer(ns("t1"), ns("t2"), "10.20.0.2", 4 << 20);
    }

    @Test
    void kernelNodesReachEachOther() throws Exception {
        netns.sh("t1", "ping -c 2 -i 0.2 -W 2 10.20.0.4");
        NamespaceTransfer.transfer(ns("t3"), ns("t1"), "10.20.0.4", 1 << 20);
    }

    @Test
    void anEndpointTakenOutOfTheListIsNoLongerReached() throws Exception {
        netns.sh("t1", "ping -c 1 -W 2 10.20.0.3");
        try {
            publishAllBut("n1", "t2");
            // The task's own ARP cache still knows t2's MAC: the kernel FDB is what stops the frames.
            assertThatThrownBy(() -> netns.sh("t1", "ping -c 2 -i 0.2 -W 1 10.20.0.3")).isInstanceOf(IOException.class);
            netns.sh("t1", "ping -c 1 -W 2 10.20.0.4"); // the other remote is untouched
        } finally {
            publishAllBut("n1", null);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> netns.sh("t1", "ping -c 1 -W 1 10.20.0.3") != null);
    }

    private static NetworkNamespace ns(String name) throws IOException {
        return NetworkNamespace.open(netns.path(name));
    }
}
