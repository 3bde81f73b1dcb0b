package io.trellis.dataplane.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.tunnel.NamespaceTransfer;
import io.trellis.dataplane.tunnel.PointToPointTunnel;
import io.trellis.dataplane.tunnel.TunnelConfiguration;
import io.trellis.dataplane.tunnel.TunnelEncryption;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.ipsec.esp.EspCounters;
import io.trellis.ipsec.esp.EspFlyweight;
import io.trellis.ipsec.esp.EspOutbound;
import io.trellis.ipsec.esp.InboundResult;
import io.trellis.ipsec.esp.SecurityAssociation;
import io.trellis.ipsec.keyring.KeyFile;
import io.trellis.ipsec.keyring.KeyRing;
import io.trellis.ipsec.keyring.MasterKey;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.testing.netns.ScratchNamespaces;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two encrypted Trellis tunnels in namespaces A and B over a veth, each with a real TAP and real
 * sockets on the ESP port: traffic both ways, key mismatch, rotation under traffic, and forged,
 * tampered and replayed packets injected on the ESP port. Run with offloads on and off by
 * {@link EncryptedTunnelWithOffloadsTest} and {@link EncryptedTunnelWithoutOffloadsTest}: top-level
 * classes, because Surefire skips nested ones ({@code **}{@code /*$*}) by default.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EncryptedTunnelScenario {
    private static final String A_UNDERLAY = "172.30.0.1";
    private static final String B_UNDERLAY = "172.30.0.2";
    private static final int ESP_PORT = 4500;
    private static final String K1 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private static final String WRONG = "00112233445566778899aabbccddeeff";

    @RegisterExtension
    static final ScratchNamespaces netns = new ScratchNamespaces("esp-tunnel");
    private NetworkNamespace a;
    private NetworkNamespace b;
    private PointToPointTunnel ta;
    private PointToPointTunnel tb;

    abstract OffloadMode offloads();

    @BeforeAll
    void build() throws Exception {
        netns.link(netns.create("a"), "ua", A_UNDERLAY + "/24", netns.create("b"), "ub", B_UNDERLAY + "/24");
        a = NetworkNamespace.open(netns.path("a"));
        b = NetworkNamespace.open(netns.path("b"));
        // No IPv6 on the TAPs: their router solicitations and MLD reports would be background traffic
        // in the exact per-packet counts of the injection test.
        for (String ns : new String[] {"a", "b"}) {
            netns.sh(ns, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1");
        }
        ta = start(a, A_UNDERLAY, B_UNDERLAY, "10.43.0.1");
        tb = start(b, B_UNDERLAY, A_UNDERLAY, "10.43.0.2");
    }

    private PointToPointTunnel start(NetworkNamespace ns, String local, String remote, String inner) throws Exception {
        TunnelConfiguration cfg = new TunnelConfiguration(42, v4(local), v4(remote), 4789, "te0", v4(inner), 24, 1450,
                Transport.auto(offloads() == OffloadMode.AUTO), offloads());
        TunnelEncryption enc = new TunnelEncryption(ESP_PORT, KeyFile.parse(K1 + "\n", "test"));
        return ns.call(() -> PointToPointTunnel.start(cfg, enc));
    }

    @AfterAll
    void tearDown() throws Exception {
        if (ta != null) {
            ta.close();
        }
        if (tb != null) {
            tb.close(); // both before the extension deletes the namespaces
        }
    }

    @Test
    void lowersTheMtuByTheEspOverheadAndListensOnlyOnTheEspPort() throws Exception {
        assertThat(ta.mtu()).isEqualTo(1408);
        assertThat(netns.sh("a", "ip -o link show te0")).contains("mtu 1408");
        String sockets = netns.sh("a", "ss -Hlun");
        assertThat(sockets).contains(A_UNDERLAY + "]:" + ESP_PORT).doesNotContain(":4789");
    }

    @Test
    void pingsBothWaysEncrypted() throws Exception {
        long encrypted = ta.esp().counters().packetsEncrypted();
        long decrypted = ta.esp().counters().packetsDecrypted();
        netns.sh("a", "ping -c 3 -i 0.2 -W 2 10.43.0.2");
        netns.sh("b", "ping -c 3 -i 0.2 -W 2 -s 1380 10.43.0.1"); // near the 1408 MTU
        assertThat(ta.esp().counters().packetsEncrypted() - encrypted).isGreaterThanOrEqualTo(6);
        assertThat(ta.esp().counters().packetsDecrypted() - decrypted).isGreaterThanOrEqualTo(6);
    }

    @Test
    void carriesTcpFromAToB() throws Exception {
        long drops = ta.esp().counters().drops() + tb.esp().counters().drops();
        NamespaceTransfer.transfer(b, a, "10.43.0.2", 4 << 20);
        assertThat(ta.esp().counters().drops() + tb.esp().counters().drops()).isEqualTo(drops);
        assertThat(ta.counters().drops(DropReason.TX_FAILED)).isZero();
    }

    @Test
    void carriesTcpFromBToA() throws Exception {
        long drops = ta.esp().counters().drops() + tb.esp().counters().drops();
        NamespaceTransfer.transfer(a, b, "10.43.0.1", 4 << 20);
        assertThat(ta.esp().counters().drops() + tb.esp().counters().drops()).isEqualTo(drops);
        assertThat(tb.counters().drops(DropReason.TX_FAILED)).isZero();
    }

    @Test
    void differentKeysLetNothingThrough() throws Exception {
        try {
            tb.updateKeys(KeyFile.parse(WRONG, "test"));
            long badSpi = tb.esp().counters().drops(InboundResult.BAD_SPI);
            long delivered = tb.counters().toPortsPackets.sum();
            assertThatThrownBy(() -> netns.sh("a", "ping -c 3 -i 0.2 -W 1 10.43.0.2")).isInstanceOf(IOException.class);
            // A foreign key's packets carry SPIs B knows no SA for, and no key of B's makes them authentic.
            assertThat(tb.esp().counters().drops(InboundResult.BAD_SPI) - badSpi).isGreaterThanOrEqualTo(3);
            assertThat(tb.counters().toPortsPackets.sum()).isEqualTo(delivered);
        } finally {
            useKeys(freshKey()); // a retired key never comes back: both ends move on to a new one
        }
        netns.sh("a", "ping -c 1 -W 2 10.43.0.2");
    }

    /**
     * docs/encryption.md §3: three key-file edits on both ends, each followed by a reload, while 8 MiB
     * of TCP flow each way and a ping runs: no ESP packet is rejected and no ping is lost.
     */
    @Test
    void rotatingKeysUnderTrafficLosesNothing() throws Exception {
        Path dir = Files.createTempDirectory("trellis-esp-keys");
        String k1 = freshKey();
        String k2 = freshKey();
        try {
            useKeys(k1);
            long drops = ta.esp().counters().drops() + tb.esp().counters().drops();
            CompletableFuture<Void> ab = CompletableFuture.runAsync(() -> transferUnchecked(b, a, "10.43.0.2", 8 << 20));
            CompletableFuture<Void> ba = CompletableFuture.runAsync(() -> transferUnchecked(a, b, "10.43.0.1", 8 << 20));
            CompletableFuture<String> ping = CompletableFuture.supplyAsync(() -> {
                try {
                    return netns.sh("a", "ping -q -c 150 -i 0.01 -W 1 10.43.0.2");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            // Each step while traffic flows: both ends have opened packets since the previous one.
            awaitTrafficBothWays(5);
            reload(dir, ta, k1 + "\n" + k2);   // step 1: both accept K2
            reload(dir, tb, k1 + "\n" + k2);
            awaitTrafficBothWays(5);
            reload(dir, ta, k2 + "\n" + k1);   // step 2: each sends with K2, still accepts K1
            awaitTrafficBothWays(5);
            reload(dir, tb, k2 + "\n" + k1);
            // Packets in flight under K1 arrive before it is retired: once a packet each end sent under
            // K2 after this point has been opened, everything it sent before (under K1) has been too.
            awaitOpenedUnderNewKey(ta, tb, B_UNDERLAY);
            awaitOpenedUnderNewKey(tb, ta, A_UNDERLAY);
            reload(dir, ta, k2 + "\n");        // step 3: K1 retired
            reload(dir, tb, k2 + "\n");
            ab.get(60, TimeUnit.SECONDS);
            ba.get(60, TimeUnit.SECONDS);
            String pings = ping.get(30, TimeUnit.SECONDS);
            assertThat(ta.esp().counters().drops() + tb.esp().counters().drops()).as(() -> dropReport()).isEqualTo(drops);
            assertThat(pings).as(() -> dropReport()).contains("150 received");
            MasterKey second = KeyFile.parse(k2, "test").get(0);
            assertThat(ta.esp().keys().keyRing(42).primary()).isEqualTo(second);
            assertThat(ta.esp().keys().keyRing(42).keys()).containsExactly(second);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
            useKeys(freshKey());
        }
    }

    /**
     * Packets crafted with B's real key, sent from B's namespace to A's ESP port: a genuine one is
     * delivered once, its replay, a tampered copy, a truncated one and an unknown SPI are dropped and
     * counted by reason, and none of them reaches A's TAP.
     */
    @Test
    void tamperedReplayedAndForgedPacketsAreDroppedAndCounted() throws Exception {
        String k3 = freshKey();
        useKeys(k3);
        try {
            injectForgeries(k3);
        } finally {
            useKeys(freshKey());
        }
    }

    private void injectForgeries(String key) throws Exception {
        // B's SA as a restarted B would create it (new random SPI, counter from the clock): A adopts it.
        KeyRing forger = new KeyRing(B_UNDERLAY, 42);
        forger.addPeer(A_UNDERLAY);
        forger.update(KeyFile.parse(key, "test"));
        EspOutbound out = new EspOutbound(new EspCounters());
        EspCounters c = ta.esp().counters();
        quiesce(c); // the exact counts below must not see stragglers of an earlier test's TCP
        long[] before = new long[InboundResult.values().length];
        for (InboundResult r : InboundResult.values()) {
            before[r.ordinal()] = c.drops(r);
        }
        long decrypted = c.packetsDecrypted();
        long delivered = ta.counters().toPortsPackets.sum();

        byte[] genuine = seal(out, forger, 0);
        byte[] tampered = seal(out, forger, 0);
        tampered[EspFlyweight.PAYLOAD_OFFSET + 20] ^= 0x01;
        byte[] forged = genuine.clone();
        forged[0] ^= 0x55; // SPI no SA has
        byte[] truncated = new byte[20];
        b.call(() -> {
            try (DatagramSocket s = new DatagramSocket()) {
                for (byte[] p : List.of(genuine, genuine, genuine, tampered, forged, truncated)) {
                    s.send(new DatagramPacket(p, p.length, new InetSocketAddress(A_UNDERLAY, ESP_PORT)));
                }
            }
            return null;
        });
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> c.drops() - sum(before) >= 5);
        assertThat(c.drops(InboundResult.REPLAYED) - before[InboundResult.REPLAYED.ordinal()]).isEqualTo(2);
        assertThat(c.drops(InboundResult.AUTH_FAILED) - before[InboundResult.AUTH_FAILED.ordinal()]).isEqualTo(1);
        assertThat(c.drops(InboundResult.BAD_SPI) - before[InboundResult.BAD_SPI.ordinal()]).isEqualTo(1);
        assertThat(c.drops(InboundResult.TRUNCATED) - before[InboundResult.TRUNCATED.ordinal()]).isEqualTo(1);
        assertThat(c.packetsDecrypted() - decrypted).isEqualTo(1);
        assertThat(ta.counters().toPortsPackets.sum() - delivered).isEqualTo(1);
    }

    /**
     * An ESP packet from B to A carrying a VXLAN datagram with one broadcast frame of an experimental
     * EtherType (IEEE 802 local experimental 0x88B5), which A's kernel ignores.
     */
    private static byte[] seal(EspOutbound out, KeyRing ring, int unused) {
        int frameLength = 14 + 46;
        int vxlanLength = 8 + frameLength;
        int payload = EspFlyweight.PAYLOAD_OFFSET;
        ByteBuf buf = Unpooled.buffer(EspFlyweight.packetLength(8 + vxlanLength));
        try {
            InnerUdp.write(buf, payload, 50_000, vxlanLength);
            int vx = payload + 8;
            buf.setInt(vx, 0x08_000000);
            buf.setInt(vx + 4, 42 << 8);
            int frame = vx + 8;
            for (int i = 0; i < 6; i++) {
                buf.setByte(frame + i, 0xFF);
            }
            buf.setBytes(frame + 6, new byte[] {0x02, 0, 0, 0, 0, 0x42});
            buf.setShort(frame + 12, 0x88B5);
            int n = out.encrypt(ring.outbound(A_UNDERLAY), buf, payload, 8 + vxlanLength, 17);
            byte[] bytes = new byte[n];
            buf.getBytes(0, bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    private String dropReport() {
        StringBuilder sb = new StringBuilder();
        for (PointToPointTunnel t : List.of(ta, tb)) {
            sb.append(t.esp().localAddress()).append(':');
            for (InboundResult r : InboundResult.values()) {
                sb.append(' ').append(r.label()).append('=').append(t.esp().counters().drops(r));
            }
            for (DropReason r : DropReason.values()) {
                sb.append(' ').append(r.label()).append('=').append(t.counters().drops(r));
            }
            sb.append(" no_key=").append(t.esp().drops().noKey.sum()).append(" queue_full=").append(t.esp().drops().queueFull.sum()).append(" send_failed=")
                    .append(t.esp().drops().sendFailed.sum()).append('\n');
        }
        return sb.toString();
    }

    /** Waits (at most 10 s) until nothing has been decrypted in three polls 200 ms apart. */
    private static void quiesce(EspCounters c) {
        AtomicLong last = new AtomicLong(c.packetsDecrypted());
        AtomicInteger quiet = new AtomicInteger();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            long now = c.packetsDecrypted();
            quiet.set(now == last.getAndSet(now) ? quiet.get() + 1 : 0);
            return quiet.get() >= 3;
        });
    }

    /** Until each end has opened at least {@code packets} more ESP packets than now. */
    private void awaitTrafficBothWays(int packets) {
        long a0 = ta.esp().counters().packetsDecrypted();
        long b0 = tb.esp().counters().packetsDecrypted();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> ta.esp().counters().packetsDecrypted() - a0 >= packets
                        && tb.esp().counters().packetsDecrypted() - b0 >= packets);
    }

    /**
     * Waits until {@code to} has opened a packet that {@code from} sealed under its current send key
     * after this call: UDP between the two namespaces keeps its order, so every packet {@code from}
     * sent earlier (under the previous key) has been opened or dropped by then.
     */
    private static void awaitOpenedUnderNewKey(PointToPointTunnel from, PointToPointTunnel to, String toAddress) {
        SecurityAssociation sending = from.esp().keys().keyRing(42).outbound(toAddress);
        long sentBefore = sending.lastSequenceNumber();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    SecurityAssociation opening = to.esp().keys().keyRing(42).inbound(sending.spi());
                    return opening != null && opening.replayWindow().highest() > sentBefore;
                });
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }

    /** A new random AES-256 key as a key file line: every key change uses one, as a retired key never comes back. */
    private static String freshKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.HexFormat.of().formatHex(key);
    }

    private void useKeys(String key) throws Exception {
        ta.updateKeys(KeyFile.parse(key, "test"));
        tb.updateKeys(KeyFile.parse(key, "test"));
    }

    /** Writes the key file as an operator would and reloads it, as SIGHUP does. */
    private static void reload(Path dir, PointToPointTunnel t, String content) throws Exception {
        Path file = dir.resolve(t == null ? "x" : Integer.toHexString(System.identityHashCode(t)) + ".key");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        t.updateKeys(new KeyFile(file).reload());
    }

    static Inet4Address v4(String s) throws Exception {
        return (Inet4Address) InetAddress.getByName(s);
    }

    private static void transferUnchecked(NetworkNamespace server, NetworkNamespace client, String ip, int bytes) {
        try {
            NamespaceTransfer.transfer(server, client, ip, bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
