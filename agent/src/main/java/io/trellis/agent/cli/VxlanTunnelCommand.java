package io.trellis.agent.cli;

import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.NetworkCounters;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.tunnel.PointToPointTunnel;
import io.trellis.dataplane.tunnel.TunnelConfiguration;
import io.trellis.dataplane.vtep.Transport;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trellis vxlan-tunnel}: a standalone point-to-point overlay to any VXLAN peer (Linux kernel
 * VXLAN or another Trellis). Runs until SIGTERM/SIGINT, then prints its counters.
 */
@Command(name = "vxlan-tunnel", description = "Run a point-to-point VXLAN tunnel to one peer until stopped (root).")
public final class VxlanTunnelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--vni", required = true, description = "VXLAN network identifier (1-16777215).") int vni;
    @Option(names = "--local", required = true, paramLabel = "IP", description = "Underlay address to bind.") String local;
    @Option(names = "--remote", required = true, paramLabel = "IP", description = "The peer's underlay address.") String remote;
    @Option(names = "--port", defaultValue = "4789", description = "UDP port (default ${DEFAULT-VALUE}).") int port;
    @Option(names = "--tap", required = true, paramLabel = "NAME", description = "TAP device to create.") String tap;
    @Option(names = "--inner-addr", required = true, paramLabel = "CIDR", description = "The TAP's overlay address, e.g. 10.42.0.1/24.")
    String innerAddr;
    @Option(names = "--mtu", defaultValue = "1450", description = "Overlay MTU (default ${DEFAULT-VALUE}).") int mtu;
    @Option(names = "--transport", defaultValue = "auto", description = "auto, epoll, io_uring or nio (default ${DEFAULT-VALUE}).")
    String transport;
    @Option(names = "--offloads", defaultValue = "auto",
            description = "auto (TAP TSO + UDP GSO/GRO where available) or off (default ${DEFAULT-VALUE}).")
    String offloads;

    @Override
    public Integer call() throws Exception {
        TunnelConfiguration cfg;
        try {
            int slash = innerAddr.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("invalid --inner-addr \"" + innerAddr + "\": expected IP/PREFIX");
            }
            OffloadMode mode = OffloadMode.parse(offloads);
            cfg = new TunnelConfiguration(vni, ipv4("--local", local), ipv4("--remote", remote), port, tap,
                    ipv4("--inner-addr", innerAddr.substring(0, slash)), prefix(innerAddr.substring(slash + 1)), mtu,
                    Transport.parse(transport, mode == OffloadMode.AUTO), mode);
        } catch (IllegalArgumentException e) {
            throw CliException.user(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PointToPointTunnel tunnel;
        try {
            tunnel = PointToPointTunnel.start(cfg);
        } catch (java.io.IOException e) {
            throw CliException.user("cannot start the tunnel: " + e.getMessage());
        }
        CountDownLatch done = new CountDownLatch(1);
        Runnable stop = () -> {
            tunnel.close();
            printCounters(out, tunnel);
            done.countDown();
        };
        for (String sig : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> new Thread(stop, "stop").start());
        }
        out.printf("tunnel up: %s %s/%d vni %d, %s:%d -> %s:%d (%s, offloads %s); stop with Ctrl-C%n",
                tunnel.tapName(), cfg.innerAddress().getHostAddress(), cfg.prefixLength(), vni, local, port, remote,
                port, tunnel.vtep().transport().label(), tunnel.offloadLabel());
        out.flush();
        done.await();
        return 0;
    }

    private static void printCounters(PrintWriter out, PointToPointTunnel t) {
        NetworkCounters c = t.counters();
        out.printf("tap->vtep: %d packets %d bytes; vtep->tap: %d packets %d bytes%n",
                c.toVtepPackets.sum(), c.toVtepBytes.sum(), c.toPortsPackets.sum(), c.toPortsBytes.sum());
        StringBuilder drops = new StringBuilder("drops:");
        for (DropReason r : DropReason.values()) {
            drops.append(' ').append(r.label()).append('=').append(c.drops(r));
        }
        drops.append(" malformed_datagram=").append(t.vtep().counters().malformed.sum())
                .append(" unknown_vni=").append(t.vtep().counters().unknownVni.sum());
        out.println(drops);
        out.flush();
    }

    private static Inet4Address ipv4(String flag, String value) {
        try {
            if (value.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                InetAddress a = InetAddress.getByName(value);
                if (a instanceof Inet4Address v4) {
                    return v4;
                }
            }
        } catch (java.net.UnknownHostException e) {
            // falls through to the error
        }
        throw new IllegalArgumentException("invalid " + flag + " \"" + value + "\": expected an IPv4 address");
    }

    private static int prefix(String p) {
        try {
            return Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid --inner-addr prefix \"" + p + "\": expected 1-32");
        }
    }
}
