package io.trellis.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.testing.netns.ScratchNamespaces;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Namespace A runs a Trellis tunnel, namespace B a Linux kernel VXLAN device, over a veth with its
 * default offloads (so the kernel leaves inner checksums partial): ICMP and TCP both ways. The
 * concrete classes are top level because Surefire skips nested classes ({@code **}{@code /*$*}).
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KernelInteropScenario {
    @RegisterExtension
    static final ScratchNamespaces netns = new ScratchNamespaces("interop");
    private PointToPointTunnel tunnel;
    private NetworkNamespace a;
    private NetworkNamespace b;

    /** With TAP TSO + UDP GSO/GRO, or one frame per datagram. */
    abstract OffloadMode offloads();

    @BeforeAll
    void build() throws Exception {
        netns.link(netns.create("a"), "ua", "172.31.0.1/24", netns.create("b"), "ub", "172.31.0.2/24");
        a = NetworkNamespace.open(netns.path("a"));
        b = NetworkNamespace.open(netns.path("b"));
        netns.sh("b", "ip link add vx0 type vxlan id 42 local 172.31.0.2 remote 172.31.0.1 dstport 4789 dev ub"
                + " && ip addr add 10.42.0.2/24 dev vx0 && ip link set vx0 mtu 1450 up");
        TunnelConfiguration cfg = new TunnelConfiguration(42, v4("172.31.0.1"), v4("172.31.0.2"), 4789, "tv0",
                v4("10.42.0.1"), 24, 1450, Transport.auto(offloads() == OffloadMode.AUTO), offloads());
        tunnel = a.call(() -> PointToPointTunnel.start(cfg));
        assertThat(tunnel.offloadLabel()).isEqualTo(offloads() == OffloadMode.AUTO ? "linux" : "none");
    }

    @AfterAll
    void tearDown() throws Exception {
        if (tunnel != null) {
            tunnel.close(); // before the extension deletes the namespaces
        }
    }

    static Inet4Address v4(String s) throws Exception {
        return (Inet4Address) InetAddress.getByName(s);
    }

    @Test
    void pingsBothWays() throws Exception {
        netns.sh("a", "ping -c 3 -i 0.2 -W 2 10.42.0.2");
        netns.sh("b", "ping -c 3 -i 0.2 -W 2 10.42.0.1");
        assertThat(tunnel.counters().toVtepPackets.sum()).isPositive();
        assertThat(tunnel.counters().toPortsPackets.sum()).isPositive();
    }

    @Test
    void tcpFromTrellisSideToKernelSide() throws Exception {
        NamespaceTransfer.transfer(b, a, "10.42.0.2", 4 << 20);
    }

    @Test
    void tcpFromKernelSideToTrellisSide() throws Exception {
        NamespaceTransfer.transfer(a, b, "10.42.0.1", 4 << 20);
    }

    @Test
    void garbageOnThePortIsCountedNotFatal() throws Exception {
        long before = tunnel.vtep().counters().malformed.sum();
        netns.sh("b", "for i in 1 2 3; do printf 'garbage' > /dev/udp/172.31.0.1/4789; done");
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> tunnel.vtep().counters().malformed.sum() - before >= 3);
        assertThat(tunnel.vtep().counters().malformed.sum() - before).isEqualTo(3);
        netns.sh("a", "ping -c 1 -W 2 10.42.0.2"); // still forwarding
        assertThat(tunnel.counters().drops(DropReason.TX_FAILED)).isZero();
    }
}
