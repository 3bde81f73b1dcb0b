package io.trellis.tunnel;

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
import io.trellis.workload.EchoWorkload;
import io.trellis.workload.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The demo's overlay act: Trellis's user-space VXLAN in one namespace talks to Linux kernel VXLAN in
 * another, over a veth that exists only between those two namespaces; then Trellis at both ends,
 * encrypted with ESP. Traffic is a message to Trellis's own echo workload across the tunnel, sent
 * from inside the other namespace; a step whose echo does not come back ends the demo with one line.
 */
public final class TunnelDemo implements AutoCloseable {
    private static final Path A = Path.of("/run/netns/trellis-demo-a");
    private static final Path B = Path.of("/run/netns/trellis-demo-b");
    private static final Path TUN = Path.of("/dev/net/tun");
    /** The echo workload's port in both namespaces. */
    private static final int ECHO_PORT = 7;
    private static final Duration ECHO_TIMEOUT = Duration.ofSeconds(5);
    private final PrintWriter out;
    private PointToPointTunnel tunnel;
    private PointToPointTunnel peer;
    private final List<Workload> echoServers = new ArrayList<>();

    public TunnelDemo(PrintWriter out) {
        this.out = out;
    }

    /**
     * What this act needs besides root, or empty: the TUN device for Trellis's TAPs, and the kernel's
     * vxlan module (loaded, built in, or there to be loaded on first use) for its kernel peer.
     */
    public static Optional<String> missingPrerequisites() {
        if (!Files.isReadable(TUN) || !Files.isWritable(TUN)) {
            return Optional.of(TUN + " (the TUN/TAP driver: modprobe tun)");
        }
        if (!KernelModules.available("vxlan")) {
            return Optional.of("the kernel's vxlan module (Linux kernel VXLAN, the tunnel's peer)");
        }
        return Optional.empty();
    }

    public void run() throws Exception {
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
        echoServers.add(b.call(() -> EchoWorkload.tcp(new InetSocketAddress(ECHO_PORT))));
        echoServers.add(a.call(() -> EchoWorkload.tcp(new InetSocketAddress(ECHO_PORT))));
        out.printf("  both namespaces: trellis workload echo --port %d%n", ECHO_PORT);
        echo("Trellis to kernel VXLAN", a, "trellis-demo-a", "10.42.0.2");
        echo("kernel VXLAN to Trellis", b, "trellis-demo-b", "10.42.0.1");
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
        echo("encrypted, Trellis to Trellis", a, "trellis-demo-a", "10.42.0.2");
        EspCounters esp = tunnel.esp().counters();
        out.printf("  esp counters on a: %d packets encrypted, %d decrypted, %d dropped (auth_failed %d)%n",
                esp.packetsEncrypted(), esp.packetsDecrypted(), esp.drops(), esp.drops(InboundResult.AUTH_FAILED));
        out.flush();
    }

    private static TunnelConfiguration config(String local, String remote, String inner) throws IOException {
        return new TunnelConfiguration(42, v4(local), v4(remote), 4789, "tv0", v4(inner), 24, 1450,
                Transport.auto(true), OffloadMode.AUTO);
    }

    /** One message from inside {@code from} to the echo workload on {@code target}; ends the demo if it is lost. */
    private void echo(String step, NetworkNamespace from, String fromName, String target) throws IOException {
        String message = "hello from " + fromName;
        out.printf("  %s: '%s' from inside %s to the echo workload on %s:%d%n", step, message, fromName, target,
                ECHO_PORT);
        out.flush();
        Duration rtt = EchoStep.run(step, from::call, new InetSocketAddress(target, ECHO_PORT), message, ECHO_TIMEOUT);
        out.printf("  echoed back in %.1f ms%n", rtt.toNanos() / 1e6);
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
        echoServers.forEach(Workload::close);
        echoServers.clear();
        NetworkNamespace.delete(A); // the veth and vxlan devices go with their namespaces
        NetworkNamespace.delete(B);
    }
}
