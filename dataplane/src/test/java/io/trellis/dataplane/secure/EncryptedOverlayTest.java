package io.trellis.dataplane.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.dataplane.overlay.OverlayDataplane;
import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.tunnel.NamespaceTransfer;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.ipsec.keyring.KeyFile;
import io.trellis.ipsec.keyring.MasterKey;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.testing.netns.ScratchNamespaces;
import io.trellis.vxlan.ipv4.Ipv4Address;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes of an {@code encrypted} overlay in namespaces, an endpoint on each: traffic crosses as
 * ESP only, the endpoints get the lowered MTU, a network without keys sends nothing, and plain VXLAN
 * naming the encrypted VNI is refused by the plain VTEP.
 */
@Tag("netns")
class EncryptedOverlayTest {
    static final OverlayNetwork SECRET = new OverlayNetwork("secret", "secret", 300, Ipv4Address.parse("10.20.0.0"),
            24, 1450, true);
    static final List<MasterKey> KEYS = parse("4c80cdefbb5d10da906ac73c3613a634");

    @RegisterExtension
    static final ScratchNamespaces netns = new ScratchNamespaces("esp-overlay");
    private static OverlayDataplane n1;
    private static OverlayDataplane n2;

    @BeforeAll
    static void build() throws Exception {
        netns.link(netns.create("n1"), "eth0", "172.33.0.1/24", netns.create("n2"), "eth0", "172.33.0.2/24");
        NetworkNamespace ns1 = NetworkNamespace.open(netns.path("n1"));
        NetworkNamespace ns2 = NetworkNamespace.open(netns.path("n2"));
        netns.create("e1");
        netns.create("e2");
        InetAddress a1 = InetAddress.getByName("172.33.0.1");
        InetAddress a2 = InetAddress.getByName("172.33.0.2");
        n1 = ns1.call(() -> OverlayDataplane.start(a1, 4789, Transport.auto(true), OffloadMode.AUTO));
        n2 = ns2.call(() -> OverlayDataplane.start(a2, 4789, Transport.auto(true), OffloadMode.AUTO));
        int ip1 = Ipv4Address.parse("10.20.0.2");
        int ip2 = Ipv4Address.parse("10.20.0.3");
        List<EndpointInfo> all = List.of(
                new EndpointInfo("e1", "secret", ip1, EndpointAddress.macOf(ip1), Ipv4Address.parse("172.33.0.1")),
                new EndpointInfo("e2", "secret", ip2, EndpointAddress.macOf(ip2), Ipv4Address.parse("172.33.0.2")));
        for (var node : List.of(n1, n2)) {
            var ns = node == n1 ? ns1 : ns2;
            ns.call(() -> {
                node.addNetwork(SECRET);
                return null;
            });
            node.setRemoteEndpoints("secret", all);
        }
        ns1.call(() -> {
            n1.attach("secret", "e1", netns.path("e1"), "eth0", ip1, EndpointAddress.macOf(ip1));
            return null;
        });
        ns2.call(() -> {
            n2.attach("secret", "e2", netns.path("e2"), "eth0", ip2, EndpointAddress.macOf(ip2));
            return null;
        });
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (OverlayDataplane n : new OverlayDataplane[] {n1, n2}) {
            if (n != null) {
                n.close(); // before the extension deletes the namespaces
            }
        }
    }

    private static List<MasterKey> parse(String key) {
        try {
            return KeyFile.parse(key, "test");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void endpointsTalkThroughEspOnlyAndWithTheLoweredMtu() throws Exception {
        n1.setNetworkKeys("secret", KEYS);
        n2.setNetworkKeys("secret", KEYS);
        assertThat(netns.sh("e1", "ip -o link show eth0")).contains("mtu 1408");
        long encrypted = n1.esp().counters().packetsEncrypted();
        netns.sh("e1", "ping -c 3 -i 0.2 -W 2 10.20.0.3");
        netns.sh("e2", "ping -c 2 -i 0.2 -W 2 -s 1380 10.20.0.2");
        assertThat(n1.esp().counters().packetsEncrypted() - encrypted).isGreaterThanOrEqualTo(5);
        assertThat(n2.esp().counters().packetsDecrypted()).isPositive();
        assertThat(n1.esp().counters().drops() + n2.esp().counters().drops()).isZero();
        assertThat(n1.counters("secret").toVtepPackets.sum()).isPositive();
        // TCP through the offload paths (TSO runs sealed at one stride, GRO batches opened one by one):
        // every byte arrives (the digests match), and the counters show the path they took.
        OffloadTraffic sent = OffloadTraffic.of(n1, n2);
        NamespaceTransfer.transfer(NetworkNamespace.open(netns.path("e2")), NetworkNamespace.open(netns.path("e1")),
                "10.20.0.3", 2_000_000);
        // The transfer ends when the receiver has the bytes; the last datagrams may still be on their
        // way through the counters (sealed, opened, written to the TAP), so read them once they settle.
        AtomicReference<OffloadTraffic> settled = new AtomicReference<>();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
                OffloadTraffic t = OffloadTraffic.of(n1, n2).minus(sent);
                settled.set(t);
                return t.decrypted() == t.encrypted() && t.framesToPort() == t.decrypted();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // never settled: the assertions below say which count fell short
        }
        OffloadTraffic tcp = settled.get();
        System.out.println("EncryptedOverlayTest: 2 MB over TCP: " + tcp);
        assertThat(tcp.framesFromPort()).as("%s", tcp).isPositive();
        // TSO: the sender's TAP handed over frames larger than the MTU, each sealed as several ESP datagrams.
        assertThat(tcp.bytesFromPort() / tcp.framesFromPort()).as("%s", tcp).isGreaterThan(1408);
        assertThat(tcp.encrypted()).as("%s", tcp).isGreaterThan(tcp.framesFromPort());
        // Receive side: every datagram of the (GRO) batches opened one by one and delivered as one frame.
        assertThat(tcp.decrypted()).as("%s", tcp).isEqualTo(tcp.encrypted());
        assertThat(tcp.framesToPort()).as("%s", tcp).isEqualTo(tcp.decrypted());
        assertThat(tcp.bytesToPort()).as("%s", tcp).isGreaterThanOrEqualTo(2_000_000);
        assertThat(n1.esp().counters().drops() + n2.esp().counters().drops()).isZero();
    }

    @Test
    void plainVxlanForTheEncryptedVniIsRefused() throws Exception {
        long unknownPeer = n1.vtep().counters().unknownPeer.sum();
        long delivered = n1.counters("secret").toPortsPackets.sum();
        // A well-formed VXLAN header (I flag, VNI 300) and a broadcast frame, in clear on the plain port.
        netns.sh("n2", "printf '\\x08\\x00\\x00\\x00\\x00\\x01\\x2c\\x00\\xff\\xff\\xff\\xff\\xff\\xff"
                + "\\x02\\x42\\x0a\\x14\\x00\\x03\\x88\\xb5' > /dev/udp/172.33.0.1/4789");
        // n2 shares no plain network with n1, so the plain VTEP has it as no peer: refused before the
        // VNI is read. (bash's printf flushes at the \x0a byte: the bytes leave as 2 datagrams.)
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> n1.vtep().counters().unknownPeer.sum() > unknownPeer);
        assertThat(n1.counters("secret").toPortsPackets.sum()).isEqualTo(delivered);
    }

    @Test
    void withoutKeysNothingIsSent() throws Exception {
        try {
            n1.esp().keys().remove(SECRET.vni()); // as before the control plane handed out any key
            n1.esp().keys().setPeers(SECRET.vni(), List.of(Ipv4Address.parse("172.33.0.2")));
            long noKey = n1.esp().drops().noKey.sum();
            assertThatThrownBy(() -> netns.sh("e1", "ping -c 2 -i 0.2 -W 1 10.20.0.3")).isInstanceOf(IOException.class);
            assertThat(n1.esp().drops().noKey.sum() - noKey).isGreaterThanOrEqualTo(2);
        } finally {
            n1.setNetworkKeys("secret", KEYS); // the same keys again: they were withdrawn, not retired
            n2.setNetworkKeys("secret", KEYS);
        }
    }

    /** The secret network's counters on the sending node n1 and the receiving node n2, at one moment. */
    private record OffloadTraffic(long framesFromPort, long bytesFromPort, long encrypted, long decrypted,
                                  long framesToPort, long bytesToPort) {
        static OffloadTraffic of(OverlayDataplane sender, OverlayDataplane receiver) {
            var out = sender.counters("secret");
            var in = receiver.counters("secret");
            return new OffloadTraffic(out.fromPortsPackets.sum(), out.fromPortsBytes.sum(),
                    sender.esp().counters().packetsEncrypted(), receiver.esp().counters().packetsDecrypted(),
                    in.toPortsPackets.sum(), in.toPortsBytes.sum());
        }

        OffloadTraffic minus(OffloadTraffic before) {
            return new OffloadTraffic(framesFromPort - before.framesFromPort, bytesFromPort - before.bytesFromPort,
                    encrypted - before.encrypted, decrypted - before.decrypted, framesToPort - before.framesToPort,
                    bytesToPort - before.bytesToPort);
        }
    }
}
