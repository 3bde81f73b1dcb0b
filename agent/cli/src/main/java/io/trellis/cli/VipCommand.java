package io.trellis.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.VipView;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis vip ...}: the load-balancing tables of the node the CLI talks to. */
@Command(name = "vip", description = "Inspect this node's VIP load-balancing tables.", subcommands = VipCommand.Ls.class)
public final class VipCommand {

    /**
     * Like {@code ipvsadm -Ln}: each VIP with its scheduler, then one line per backend. A VIP stands
     * for every protocol and port of its address (Swarm's firewall-mark services), so no port is shown.
     */
    @Command(name = "ls", aliases = "list", description = "List VIPs and their backends, like ipvsadm -Ln.")
    static final class Ls extends ClientCommand {
        @Option(names = "--network", paramLabel = "NETWORK", description = "Only this network's VIPs.") String network;
        @Option(names = "--stats", description = "Show packets and bytes per backend.") boolean stats;
        @Option(names = "--format", description = "table or json") String format;

        @Override
        public Integer call() {
            boolean asJson = json(format);
            String path = "/vips" + (network == null ? "" : "?network=" + URLEncoder.encode(network, StandardCharsets.UTF_8));
            List<VipView> vips = agent().get(path, new TypeReference<List<VipView>>() { });
            PrintWriter out = out();
            if (asJson) {
                out.println(Json.pretty(vips));
                out.flush();
                return 0;
            }
            print(out, vips, stats);
            out.flush();
            return 0;
        }
    }

    static void print(PrintWriter out, List<VipView> vips, boolean stats) {
        long ports = vips.stream().filter(v -> !"vip".equals(v.mode())).count();
        long kernel = vips.stream().filter(v -> VipView.IPVS.equals(v.balancer())).count();
        String where = kernel == 0 ? "user-space" : kernel == vips.size() ? "IPVS" : "IPVS and user-space";
        out.println("Trellis " + where + " VIP tables (" + (vips.size() - ports) + " VIPs, " + ports
                + " published ports)");
        out.printf("%-5s %-24s %-10s %s%n", "Prot", "VirtualAddress", "Scheduler", "Service (network)");
        out.printf("  -> %-20s %-8s %-6s %-10s %-9s %s%n", "RemoteAddress", "Forward", "Weight", "ActiveConn",
                "InActConn", stats ? "Pkts Bytes  Task@Node" : "Task@Node");
        for (VipView v : vips) {
            if (v.error() != null) {
                out.printf("%-5s %-24s %-10s not listening: %s%n", v.protocol(), v.vip(), "-", v.error());
                continue;
            }
            boolean published = !"vip".equals(v.mode());
            String what = published
                    ? v.service() + " (published, " + v.mode() + " mode" + (stats ? ", " + v.connections()
                            + " connections, " + v.bytes() + " bytes" : "") + ")"
                    : v.service() + " (" + v.network() + ")";
            out.printf("%-5s %-24s %-10s %s%n", v.protocol(), v.vip(), v.algorithm(), what);
            for (VipView.Backend b : v.backends()) {
                String who = b.task() + "@" + b.node();
                String forward = published && !VipView.IPVS.equals(v.balancer()) ? "Proxy" : "Masq";
                out.printf("  -> %-20s %-8s %-6d %-10d %-9d %s%n", b.address(), forward, 1,
                        b.active(), b.inactive(), stats && !published ? b.packets() + " " + b.bytes() + "  " + who : who);
            }
        }
    }
}
