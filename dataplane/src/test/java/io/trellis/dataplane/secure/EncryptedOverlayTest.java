package io.trellis.dataplane.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.dataplane.Netns;
import io.trellis.dataplane.OverlayDataplane;
import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.ipsec.keyring.KeyFile;
import io.trellis.ipsec.keyring.MasterKey;
import io.trellis.ipvs.Privileges;
import io.trellis.vxlan.ipv4.Ipv4Address;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

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

    private static Netns netns;
    private static OverlayDataplane n1;
    private static OverlayDataplane n2;

    @BeforeAll
    static void build() throws Exception {
        Assumptions.assumeTrue(Privileges.missingForNetns().isEmpty(), () -> Privileges.missingForNetns().orElse(""));
        netns = new Netns("esp-overlay");
        var ns1 = netns.create("n1");
        var ns2 = netns.create("n2");
        netns.sh("n1", "ip link add eth0 type veth peer name eth0 netns " + netns.path("n2")
                + " && ip addr add 172.33.0.1/24 dev eth0 && ip link set eth0 up");
        netns.sh("n2", "ip addr add 172.33.0.2/24 dev eth0 && ip link set eth0 up");
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
                n.close();
            }
        }
        if (netns != null) {
            netns.close();
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
        // TCP through both offload paths (TSO runs sealed at one stride, GRO batches opened one by one).
        netns.sh("e2", "(timeout 10 nc -l -p 6000 > /dev/null) > /dev/null 2>&1 &");
        Thread.sleep(300);
        netns.sh("e1", "head -c 2000000 /dev/urandom | timeout 10 nc -q 1 10.20.0.3 6000");
        assertThat(n1.esp().counters().drops() + n2.esp().counters().drops()).isZero();
    }

    @Test
    void plainVxlanForTheEncryptedVniIsRefused() throws Exception {
        long unknownVni = n1.vtep().counters().unknownVni.sum();
        long delivered = n1.counters("secret").toPortsPackets.sum();
        // A well-formed VXLAN header (I flag, VNI 300) and a broadcast frame, in clear on the plain port.
        netns.sh("n2", "printf '\\x08\\x00\\x00\\x00\\x00\\x01\\x2c\\x00\\xff\\xff\\xff\\xff\\xff\\xff"
                + "\\x02\\x42\\x0a\\x14\\x00\\x03\\x88\\xb5' > /dev/udp/172.33.0.1/4789");
        Thread.sleep(300);
        assertThat(n1.vtep().counters().unknownVni.sum() - unknownVni).isEqualTo(1);
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
}
