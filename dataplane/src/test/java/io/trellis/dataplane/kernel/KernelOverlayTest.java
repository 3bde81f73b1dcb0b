package io.trellis.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.ipvs.netlink.FdbEntry;
import io.trellis.ipvs.netlink.MacAddress;
import io.trellis.ipvs.netlink.RtNetlink;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.testing.netns.ScratchNamespaces;
import io.trellis.vxlan.ipv4.Ipv4Address;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@link KernelOverlay} makes in a node's namespace, and what it leaves: device names, the FDB and
 * neighbour entries of remote endpoints changed one by one, nothing left after close, a crashed agent's
 * devices removed at start, encrypted networks refused.
 */
@Tag("netns")
class KernelOverlayTest {
    static final OverlayNetwork NET = new OverlayNetwork("net", "net", 0x1234, Ipv4Address.parse("10.30.0.0"), 24, 1400,
            false);
    static final int VTEP_B = Ipv4Address.parse("172.34.0.2");
    static final int VTEP_C = Ipv4Address.parse("172.34.0.3");

    @RegisterExtension
    final ScratchNamespaces netns = new ScratchNamespaces("kernel");
    private KernelOverlay overlay;

    @BeforeEach
    void start() throws Exception {
        netns.create("node");
        overlay = startOverlay();
    }

    private KernelOverlay startOverlay() throws Exception {
        Inet4Address local = (Inet4Address) InetAddress.getByName("172.34.0.1");
        return NetworkNamespace.open(netns.path("node")).call(() -> KernelOverlay.start(local, 4789));
    }

    @AfterEach
    void stop() {
        if (overlay != null) {
            overlay.close();
        }
    }

    @Test
    void makesBridgeVxlanAndVethWithShortNames() throws Exception {
        overlay.addNetwork(NET);
        netns.create("task");
        int ip = Ipv4Address.parse("10.30.0.7");
        overlay.attach(NET.id(), "ep", netns.path("task"), "eth1", ip, EndpointAddress.macOf(ip));

        assertThat(KernelNames.bridge(NET.vni())).isEqualTo("tkb001234");
        assertThat(KernelNames.vxlan(NET.vni())).isEqualTo("tkv001234");
        assertThat(KernelNames.veth(NET.vni(), ip)).isEqualTo("tke0012341e0007").hasSizeLessThanOrEqualTo(15);
        String vxlan = netns.sh("node", "ip -d -o link show tkv001234");
        assertThat(vxlan).contains("mtu 1400", "master tkb001234", "vxlan id 4660", "local 172.34.0.1",
                "dstport 4789", "nolearning", "proxy");
        assertThat(netns.sh("node", "ip -o link show tke0012341e0007")).contains("master tkb001234", "mtu 1400");
        assertThat(netns.sh("task", "ip -o link show eth1")).contains("02:42:0a:1e:00:07", "mtu 1400", "state UP");
        assertThat(netns.sh("task", "ip -o addr show eth1")).contains("10.30.0.7/24");
    }

    @Test
    void changingOneEndpointLeavesTheOthersEntriesAlone() throws Exception {
        overlay.addNetwork(NET);
        List<EndpointInfo> remotes = new ArrayList<>(List.of(remote("r2", "10.30.0.2", VTEP_B),
                remote("r3", "10.30.0.3", VTEP_C), remote("r4", "10.30.0.4", VTEP_B)));
        overlay.setRemoteEndpoints(NET.id(), remotes);
        Set<String> before = fdb();
        assertThat(before).containsExactlyInAnyOrder("02:42:0a:1e:00:02 172.34.0.2", "02:42:0a:1e:00:03 172.34.0.3",
                "02:42:0a:1e:00:04 172.34.0.2");
        assertThat(netns.sh("node", "ip neigh show dev tkv001234"))
                .contains("10.30.0.3 lladdr 02:42:0a:1e:00:03 PERMANENT");

        List<String> events = monitor(() -> {
            remotes.remove(1);
            remotes.add(remote("r5", "10.30.0.5", VTEP_C));
            overlay.setRemoteEndpoints(NET.id(), remotes);
        }, "02:42:0a:1e:00:05");

        assertThat(fdb()).containsExactlyInAnyOrder("02:42:0a:1e:00:02 172.34.0.2", "02:42:0a:1e:00:04 172.34.0.2",
                "02:42:0a:1e:00:05 172.34.0.3");
        // Only the endpoint that left and the one that came were touched: r2 and r4 saw no delete and no add.
        assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e).containsAnyOf("02:42:0a:1e:00:03",
                "02:42:0a:1e:00:05", "10.30.0.3 ", "10.30.0.5 "));
        String neighbours = netns.sh("node", "ip neigh show dev tkv001234");
        assertThat(neighbours).contains("10.30.0.5 lladdr 02:42:0a:1e:00:05").doesNotContain("10.30.0.3 ");
    }

    @Test
    void anEndpointMovingToAnotherNodeGetsItsNewVtep() throws Exception {
        overlay.addNetwork(NET);
        overlay.setRemoteEndpoints(NET.id(), List.of(remote("r2", "10.30.0.2", VTEP_B)));
        overlay.setRemoteEndpoints(NET.id(), List.of(remote("r2", "10.30.0.2", VTEP_C)));
        assertThat(fdb()).containsExactly("02:42:0a:1e:00:02 172.34.0.3");
    }

    @Test
    void closeAndRemoveNetworkLeaveNoDevice() throws Exception {
        overlay.addNetwork(NET);
        OverlayNetwork other = new OverlayNetwork("other", "other", 77, Ipv4Address.parse("10.31.0.0"), 24, 1450, false);
        overlay.addNetwork(other);
        netns.create("task");
        int ip = Ipv4Address.parse("10.30.0.7");
        overlay.attach(NET.id(), "ep", netns.path("task"), "eth0", ip, EndpointAddress.macOf(ip));
        overlay.attach(other.id(), "ep2", netns.path("task"), "eth1", ip, EndpointAddress.macOf(ip));
        assertThat(ours()).hasSize(6);

        overlay.detach("ep2");
        assertThat(netns.sh("task", "ip -o link")).doesNotContain("eth1");
        overlay.removeNetwork(other.id());
        assertThat(ours()).containsExactlyInAnyOrder("tkb001234", "tkv001234", "tke0012341e0007");

        overlay.close();
        overlay = null;
        assertThat(ours()).isEmpty();
        assertThat(netns.sh("task", "ip -o link")).doesNotContain("eth0");
    }

    @Test
    void aCrashedAgentsDevicesGoAtStartOthersStay() throws Exception {
        overlay.close();
        netns.sh("node", "ip link add tkb000042 type bridge && ip link add tkv000042 type vxlan id 66 dstport 4789"
                + " && ip link add tke0000420a0002 type veth peer name tkpeer && ip link add tkeep type bridge");
        overlay = startOverlay();
        assertThat(ours()).isEmpty();
        assertThat(netns.sh("node", "ip -o link")).contains("tkeep");
    }

    @Test
    void encryptedNetworksAreRefusedWithOneReason() throws Exception {
        OverlayNetwork secret = new OverlayNetwork("sec", "secret", 99, Ipv4Address.parse("10.32.0.0"), 24, 1450, true);
        assertThatThrownBy(() -> overlay.addNetwork(secret)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("network secret is encrypted, and the kernel data path (--dataplane kernel) does not do"
                        + " ESP: run this node's agent with --dataplane userspace");
        overlay.setRemoteEndpoints(secret.id(), List.of()); // ignored, not an unknown network
        netns.create("task");
        assertThatThrownBy(() -> overlay.attach(secret.id(), "ep", netns.path("task"), "eth0", 1, 2))
                .isInstanceOf(IOException.class).hasMessageContaining("does not do ESP");
        assertThat(ours()).isEmpty();
    }

    @Test
    void theProbeFindsVxlanAndLeavesNoDevice() throws Exception {
        overlay.close();
        overlay = null;
        assertThat(NetworkNamespace.open(netns.path("node")).call(KernelVxlanProbe::missing)).isEmpty();
        assertThat(netns.sh("node", "ip -o link").strip().split("\n")).hasSize(1); // lo alone
    }

    private static EndpointInfo remote(String id, String ip, int vtep) {
        int v4 = Ipv4Address.parse(ip);
        return new EndpointInfo(id, NET.id(), v4, EndpointAddress.macOf(v4), vtep);
    }

    /** The VXLAN device's FDB as "mac vtep" lines, read back over netlink. */
    private Set<String> fdb() throws Exception {
        List<FdbEntry> entries = NetworkNamespace.open(netns.path("node")).call(() -> {
            try (RtNetlink nl = RtNetlink.open()) {
                return nl.listFdb(KernelNames.vxlan(NET.vni()));
            }
        });
        return entries.stream().filter(e -> e.remote() != null)
                .map(e -> e.mac() + " " + e.remote().getHostAddress()).collect(Collectors.toSet());
    }

    private List<String> ours() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : netns.sh("node", "ip -o link").split("\n")) {
            String[] f = line.split(":\\s+");
            if (f.length > 1) {
                String name = f[1].contains("@") ? f[1].substring(0, f[1].indexOf('@')) : f[1];
                if (KernelNames.isOurs(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private interface Change {
        void run() throws Exception;
    }

    /** The FDB and neighbour events of the node while {@code change} runs, until one mentions {@code last}. */
    private List<String> monitor(Change change, String last) throws Exception {
        Process p = netns.namespace("node").start(List.of("ip", "monitor", "neigh"));
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process was stopped
            }
        });
        reader.start();
        try {
            // ip monitor prints nothing until it is subscribed: a throw-away entry shows it is.
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
                netns.sh("node", "bridge fdb replace 02:00:00:00:00:99 dev tkv001234 dst 172.34.0.99");
                return lines.stream().anyMatch(l -> l.contains("02:00:00:00:00:99"));
            });
            netns.sh("node", "bridge fdb del 02:00:00:00:00:99 dev tkv001234 dst 172.34.0.99");
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> lines.stream().anyMatch(l -> l.startsWith("Deleted") && l.contains("02:00:00:00:00:99")));
            int from = lines.size();
            change.run();
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> lines.stream().skip(from).filter(l -> l.contains(last)).count() >= 2);
            return List.copyOf(lines.subList(from, lines.size()));
        } finally {
            p.destroy();
            reader.join(5000);
        }
    }
}
