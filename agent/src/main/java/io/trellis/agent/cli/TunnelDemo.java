package io.trellis.agent.cli;

import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.tunnel.PointToPointTunnel;
import io.trellis.dataplane.tunnel.TunnelConfiguration;
import io.trellis.dataplane.vtep.Transport;
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
import java.util.concurrent.TimeUnit;

/**
 * The demo's overlay act: Trellis's user-space VXLAN in one namespace talks to Linux kernel VXLAN in
 * another, over a veth that exists only between those two namespaces.
 */
final class TunnelDemo implements AutoCloseable {
    private static final Path A = Path.of("/run/netns/trellis-demo-a");
    private static final Path B = Path.of("/run/netns/trellis-demo-b");
    private final PrintWriter out;
    private PointToPointTunnel tunnel;

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
        TunnelConfiguration cfg = new TunnelConfiguration(42, v4("172.29.0.1"), v4("172.29.0.2"), 4789, "tv0",
                v4("10.42.0.1"), 24, 1450, Transport.auto(true), OffloadMode.AUTO);
        tunnel = a.call(() -> PointToPointTunnel.start(cfg));
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
        if (tunnel != null) {
            tunnel.close();
            tunnel = null;
        }
        NetworkNamespace.delete(A); // the veth and vxlan devices go with their namespaces
        NetworkNamespace.delete(B);
    }
}
