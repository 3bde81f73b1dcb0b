package io.trellis.daemon.network;

import io.trellis.api.VipView;
import io.trellis.controlplane.allocator.Ipv4Subnet;
import io.trellis.dataplane.lb.VipStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** This node's VIP tables with their counters, named for people: what {@code vip ls} prints. */
public final class VipListing {
    private VipListing() {
    }

    /** @param network a network name or ID to show alone, or null for all */
    public static List<VipView> of(NetworkAgent agent, String network) {
        List<VipStats> stats;
        boolean ipvs = agent.ipvsIfUsed() != null;
        if (ipvs) {
            stats = agent.ipvsIfUsed().stats(); // read back from the kernel
        } else if (agent.dataplaneIfStarted() != null) {
            stats = agent.dataplaneIfStarted().vipStats();
        } else {
            return List.of();
        }
        Map<String, String> names = agent.networkNames();
        Map<String, String> tasks = agent.taskNames();
        List<VipView> views = new ArrayList<>();
        for (VipStats v : stats) {
            String name = names.getOrDefault(v.networkId(), v.networkId());
            if (network != null && !network.equals(name) && !network.equals(v.networkId())) {
                continue;
            }
            // In address order, as ipvsadm lists real servers.
            List<VipView.Backend> backends = v.backends().stream()
                    .sorted(Comparator.comparingLong(b -> Integer.toUnsignedLong(b.ipv4())))
                    .map(b -> new VipView.Backend(tasks.getOrDefault(b.taskId(), b.taskId()), b.node(),
                            Ipv4Subnet.format(b.ipv4()), "running", b.activeConnections(),
                            b.inactiveConnections(), b.packets(), b.bytes()))
                    .toList();
            views.add(ipvs ? new VipView(name, v.serviceName(), Ipv4Subnet.format(v.vip()), v.algorithm(), backends,
                    "FWM", "vip", 0, 0, null, VipView.IPVS)
                    : new VipView(name, v.serviceName(), Ipv4Subnet.format(v.vip()), v.algorithm(), backends));
        }
        views.sort(Comparator.comparing(VipView::network).thenComparing(VipView::service));
        return views;
    }
}
