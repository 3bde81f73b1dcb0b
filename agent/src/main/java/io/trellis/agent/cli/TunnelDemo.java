package io.trellis.agent.cli;

import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.tunnel.PointToPointTunnel;
import io.trellis.dataplane.tunnel.TunnelConfiguration;
import io.trellis.dataplane.tunnel.TunnelEncryption;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.ipsec.esp.CipherSuite;
import io.trellis.ipsec.esp.EspCounters;
import io.trellis.ipsec.esp.InboundResult;
import io.trellis.ipsec.esp.AesGcmProvider;
import io.trellis.ipsec.keyring.MasterKey;
import io.trellis.ipvs.link.InterfaceFlags;
import io.trellis.ipvs.netlink.RtNetlink;
import io.trellis.ipvs.netlink.VxlanSpec;
import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's overlay act: Trellis's user-space VXLAN in one namespace talks to Linux kernel VXLAN in
 * another, over a veth that exists only between those two namespaces; then Trellis at both ends,
 * encrypted with ESP.
 */
final class TunnelDemo implements AutoCloseable {
    private static final Path A = Path.of("/run/netns/trellis-demo-a");
    private static final Path B = Path.of("/run/netns/trellis-demo-b");
    private final PrintWriter out;
    private PointToPointTunnel tunnel;
    private PointToPointTunnel peer;

    TunnelDemo(PrintWriter out) {
        this.out = out;
    }

    void run() throws Exception {
        Files.createDirectories(A.getParent());
        close();
        NetworkNamespace a = NetworkNamespace.create(A);
        NetworkNamespace b = NetworkNamespace.create(B);
        a.call(() -> {
            InterfaceFlags.setUp("lo");
            try (RtNetlink nl = RtNetlink.open()) {
                nl.createVeth("underlay", "underlay", B);
                nl.addAddress("underlay", v4("172.29.0.1"), 24);
                nl.setUp("underlay");
            }
            return null;
        });
        b.call(() -> {
            InterfaceFlags.setUp("lo");
            try (RtNetlink nl = RtNetlink.open()) {
                nl.addAddress("underlay", v4("172.29.0.2"), 24);
                nl.setUp("underlay");
                nl.createVxlan("vx0", VxlanSpec.of(42, v4("172.29.0.2"), 4789).withRemote(v4("172.29.0.1"))
                        .withUnderlay("underlay"));
                nl.setMtu("vx0", 1450);
                nl.addAddress("vx0", v4("10.42.0.2"), 24);
                nl.setUp("vx0");
            }
            return null;
        });
        out.println("  namespace trellis-demo-b: kernel vxlan vx0 (VNI 42) 10.42.0.2/24 on 172.29.0.2");
        tunnel = a.call(() -> PointToPointTunnel.start(config("172.29.0.1", "172.29.0.2", "10.42.0.1")));
        out.println("  namespace trellis-demo-a: trellis vxlan-tunnel --vni 42 --local 172.29.0.1 --remote 172.29.0.2"
                + " --tap tv0 --inner-addr 10.42.0.1/24   (" + tunnel.vtep().transport().label() + ", offloads "
                + tunnel.offloadLabel() + ")");
        out.println("$ ip netns exec trellis-demo-a ping -c 3 10.42.0.2");
        out.flush();
        ping(A, "10.42.0.2");
        out.println("$ ip netns exec trellis-demo-b ping -c 3 10.42.0.1");
        out.flush();
        ping(B, "10.42.0.1");
        NetworkCounters c = tunnel.counters();
        out.printf("  trellis counters: tap->vtep %d packets, vtep->tap %d packets, drops %d%n",
                c.toVtepPackets.sum(), c.toPortsPackets.sum(),
                java.util.Arrays.stream(io.trellis.dataplane.DropReason.values()).mapToLong(c::drops).sum());
        out.flush();
        encrypted(a, b);
    }

    /** The same two namespaces, now Trellis at both ends and encrypted: ESP in UDP 4500, AES-256-GCM. */
    private void encrypted(NetworkNamespace a, NetworkNamespace b) throws Exception {
        tunnel.close();
        tunnel = null;
        b.call(() -> {
            try (RtNetlink nl = RtNetlink.open()) {
                nl.deleteLink("vx0");
            }
            return null;
        });
        TunnelEncryption keys = new TunnelEncryption(TunnelEncryption.ESP_PORT_DEFAULT,
                List.of(MasterKey.generate(CipherSuite.AES_256_GCM, new SecureRandom())));
        out.println("  now encrypted, Trellis at both ends, one key (a key file in real use): trellis vxlan-tunnel ..."
                + " --key-file tunnel.key");
        tunnel = a.call(() -> PointToPointTunnel.start(config("172.29.0.1", "172.29.0.2", "10.42.0.1"), keys));
        peer = b.call(() -> PointToPointTunnel.start(config("172.29.0.2", "172.29.0.1", "10.42.0.2"), keys));
        out.println("  ESP in UDP 4500, MTU " + tunnel.mtu() + ", " + AesGcmProvider.status());
        out.println("$ ip netns exec trellis-demo-a ping -c 3 10.42.0.2");
        out.flush();
        ping(A, "10.42.0.2");
        EspCounters esp = tunnel.esp().counters();
        out.printf("  esp counters on a: %d packets encrypted, %d decrypted, %d dropped (auth_failed %d)%n",
                esp.packetsEncrypted(), esp.packetsDecrypted(), esp.drops(), esp.drops(InboundResult.AUTH_FAILED));
        out.flush();
    }

    private static TunnelConfiguration config(String local, String remote, String inner) throws IOException {
        return new TunnelConfiguration(42, v4(local), v4(remote), 4789, "tv0", v4(inner), 24, 1450,
                Transport.auto(true), OffloadMode.AUTO);
    }

    private void ping(Path ns, String target) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nsenter", "--net=" + ns, "ping", "-c", "3", "-i", "0.2", "-W", "2", target)
                .redirectErrorStream(true).start();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        text.lines().filter(l -> l.contains("bytes from") || l.contains("packet loss"))
                .forEach(l -> out.println("  " + l));
        out.flush();
    }

    private static Inet4Address v4(String s) throws IOException {
        return (Inet4Address) InetAddress.getByName(s);
    }

    @Override
    public synchronized void close() throws IOException {
        for (PointToPointTunnel t : new PointToPointTunnel[] {tunnel, peer}) {
            if (t != null) {
                t.close();
            }
        }
        tunnel = null;
        peer = null;
        NetworkNamespace.delete(A); // the veth and vxlan devices go with their namespaces
        NetworkNamespace.delete(B);
    }
}
