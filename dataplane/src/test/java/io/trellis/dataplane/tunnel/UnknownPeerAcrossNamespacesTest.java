package io.trellis.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.ipvs.Privileges;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.testing.netns.ScratchNamespaces;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One underlay (a bridge) with three hosts: A runs a Trellis tunnel to B, B runs the kernel VXLAN
 * device that is the tunnel's peer, X is anybody else on the underlay. X sends a well-formed VXLAN
 * datagram (the tunnel's VNI, a UDP packet for A's inner address) at A's VTEP: it never reaches the
 * TAP and is counted as unknown_peer, while the same bytes from B's address, and B's own kernel
 * traffic, are delivered.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnknownPeerAcrossNamespacesTest {
    private static final int VNI = 43;
    private static final int INNER_PORT = 7777;

    @RegisterExtension
    static final ScratchNamespaces netns = new ScratchNamespaces("unknown-peer");
    private PointToPointTunnel tunnel;
    private NetworkNamespace a;
    private NetworkNamespace b;
    private NetworkNamespace x;
    private DatagramSocket inside;
    private Thread reader;
    private final Queue<String> received = new ConcurrentLinkedQueue<>();

    @BeforeAll
    void build() throws Exception {
        Assumptions.assumeTrue(Privileges.missingForNetns().isEmpty(), () -> Privileges.missingForNetns().orElse(""));
        a = NetworkNamespace.open(netns.create("a").path());
        b = NetworkNamespace.open(netns.create("b").path());
        x = NetworkNamespace.open(netns.create("x").path());
        netns.sh("a", "ip link add br0 type bridge && ip addr add 172.30.0.1/24 dev br0 && ip link set br0 up"
                + " && ip link add ua type veth peer name ub netns " + netns.path("b") + " && ip link set ua master br0 up"
                + " && ip link add uax type veth peer name ux netns " + netns.path("x") + " && ip link set uax master br0 up");
        // No IPv6 on the kernel peer: its router solicitations and MLD reports would reach the TAP
        // at any moment and blur the count of what was delivered.
        netns.sh("b", "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 && echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6"
                + " && ip addr add 172.30.0.2/24 dev ub && ip link set ub up"
                + " && ip link add vx0 type vxlan id " + VNI + " local 172.30.0.2 remote 172.30.0.1 dstport 4789 dev ub"
                + " && ip addr add 10.43.0.2/24 dev vx0 && ip link set vx0 mtu 1450 up");
        netns.sh("x", "ip addr add 172.30.0.66/24 dev ux && ip link set ux up");
        TunnelConfiguration cfg = new TunnelConfiguration(VNI, v4("172.30.0.1"), v4("172.30.0.2"), 4789, "tv1",
                v4("10.43.0.1"), 24, 1450, Transport.auto(false), OffloadMode.OFF);
        tunnel = a.call(() -> PointToPointTunnel.start(cfg));
        // What reaches the TAP and A's stack: a UDP socket on the inner address, inside A.
        inside = a.call(() -> new DatagramSocket(new InetSocketAddress("10.43.0.1", INNER_PORT)));
        inside.setSoTimeout(100);
        reader = new Thread(this::read, "unknown-peer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        byte[] buf = new byte[2048];
        while (!inside.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                inside.receive(p);
                received.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
            } catch (SocketTimeoutException e) {
                // poll again until closed
            } catch (IOException e) {
                return;
            }
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        if (inside != null) {
            inside.close();
        }
        if (reader != null) {
            reader.join(2_000);
        }
        if (tunnel != null) {
            tunnel.close();
        }
    }

    @Test
    void vxlanFromAThirdHostNeverReachesTheTapButThePeersTrafficDoes() throws Exception {
        String tapMac = netns.sh("a", "ip -br link show tv1").strip().split("\\s+")[2]; // "tv1 UNKNOWN 02:…"
        long unknownPeer = tunnel.vtepCounters().unknownPeer.sum();
        long delivered = tunnel.counters().toPortsPackets.sum();

        sendFrom(x, "172.30.0.66", crafted(tapMac, "spoofed"));
        // Wait until A's VTEP has handled it, either way: dropped and counted, or delivered.
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> tunnel.vtepCounters().unknownPeer.sum() > unknownPeer || received.contains("spoofed"));
        assertThat(received).doesNotContain("spoofed");
        assertThat(tunnel.vtepCounters().unknownPeer.sum() - unknownPeer).isEqualTo(1);
        assertThat(tunnel.counters().toPortsPackets.sum()).isEqualTo(delivered);
        assertThat(tunnel.counters().drops(DropReason.UNKNOWN_PEER)).isZero(); // per VTEP, not per network

        // The very same bytes from the peer's underlay address are delivered: only the source differed.
        sendFrom(b, "172.30.0.2", crafted(tapMac, "crafted-by-peer"));
        // And the peer's kernel VXLAN device carries ordinary traffic (ARP through the tunnel first).
        b.call(() -> {
            try (DatagramSocket s = new DatagramSocket()) {
                byte[] m = "from-kernel-peer".getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(m, m.length, InetAddress.getByName("10.43.0.1"), INNER_PORT));
            }
            return null;
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> received.contains("crafted-by-peer") && received.contains("from-kernel-peer"));
        assertThat(received).doesNotContain("spoofed");
        assertThat(tunnel.vtepCounters().unknownPeer.sum() - unknownPeer).isEqualTo(1);
    }

    /** One datagram to A's VTEP, sent from a UDP socket created inside {@code ns} on {@code from}. */
    private static void sendFrom(NetworkNamespace ns, String from, byte[] vxlan) throws Exception {
        ns.call(() -> {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(from, 0))) {
                s.send(new DatagramPacket(vxlan, vxlan.length, InetAddress.getByName("172.30.0.1"), 4789));
            }
            return null;
        });
    }

    /**
     * VXLAN (I flag, {@link #VNI}) + Ethernet to the TAP's MAC + IPv4 10.43.0.2 → 10.43.0.1 + UDP to
     * {@link #INNER_PORT} (checksum 0, allowed over IPv4) carrying {@code text}.
     */
    static byte[] crafted(String tapMac, String text) {
        byte[] payload = text.getBytes(StandardCharsets.US_ASCII);
        int ipLength = 20 + 8 + payload.length;
        ByteBuffer p = ByteBuffer.allocate(8 + 14 + ipLength);
        p.putInt(0x08_00_00_00).putInt(VNI << 8);
        p.put(HexFormat.ofDelimiter(":").parseHex(tapMac));
        p.put(new byte[] {0x02, 0x42, 0x0a, 0x2b, 0x00, 0x02}).putShort((short) 0x0800);
        int ip = p.position();
        p.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) 1).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(new byte[] {10, 43, 0, 2}).put(new byte[] {10, 43, 0, 1});
        int sum = 0;
        for (int i = ip; i < ip + 20; i += 2) {
            sum += p.getShort(i) & 0xFFFF;
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        p.putShort(ip + 10, (short) ~sum);
        p.putShort((short) 40000).putShort((short) INNER_PORT).putShort((short) (8 + payload.length)).putShort((short) 0);
        p.put(payload);
        return p.array();
    }

    private static Inet4Address v4(String s) throws Exception {
        return (Inet4Address) InetAddress.getByName(s);
    }
}
