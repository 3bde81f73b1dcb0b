package io.trellis.daemon.ingress;

import io.trellis.controlplane.allocator.Ipv4Subnet;
import io.trellis.controlplane.protocol.ClusterMessages.Endpoint;
import io.trellis.controlplane.protocol.ClusterMessages.ServiceEntry;
import io.trellis.controlplane.store.PortConfig;
import io.trellis.daemon.network.IngressView;
import io.trellis.dataplane.balance.Backend;
import io.trellis.ingress.mesh.PortPlan;
import io.trellis.ingress.proxy.ProxyProtocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which ports this node publishes, and to which tasks, from its view of the ingress network. Ingress mode:
 * every node listens and relays to every running task of the service (those on other nodes only when this
 * node has its ingress address); host mode: only a node with a task of the service listens, and relays to
 * its own tasks.
 */
final class IngressPlans {
    private IngressPlans() {
    }

    static List<PortPlan> of(String nodeId, IngressView view) {
        List<PortPlan> plans = new ArrayList<>();
        if (view.networkId() == null) {
            return plans;
        }
        boolean canReachOthers = view.ownAddress() != null;
        List<ServiceEntry> services = new ArrayList<>(view.services());
        services.sort(Comparator.comparing(ServiceEntry::name));
        for (ServiceEntry svc : services) {
            List<Endpoint> tasks = view.endpoints().stream()
                    .filter(e -> svc.serviceId().equals(e.serviceId())).toList();
            boolean hasLocal = tasks.stream().anyMatch(e -> nodeId.equals(e.nodeId()));
            for (PortConfig p : svc.ports()) {
                boolean host = !p.ingress();
                if (host && !hasLocal) {
                    continue;
                }
                List<Backend> backends = new ArrayList<>();
                for (Endpoint e : tasks) {
                    boolean local = nodeId.equals(e.nodeId());
                    if (e.backend() && (local || (!host && canReachOthers))) {
                        backends.add(new Backend(e.taskId(), new InetSocketAddress(address(e.address()), p.target())));
                    }
                }
                plans.add(new PortPlan(p.published(), p.protocol() == PortConfig.Protocol.UDP, svc.serviceId(),
                        svc.name(), p.mode().name().toLowerCase(Locale.ROOT), svc.lbAlgorithm(),
                        ProxyProtocol.valueOf(p.proxyProtocol().name()), backends));
            }
        }
        return plans;
    }

    /** Whether some port is published in ingress mode: the node then needs its sandbox to reach other nodes. */
    static boolean needsSandbox(IngressView view) {
        return view.networkId() != null && view.ownAddress() != null
                && view.services().stream().anyMatch(s -> s.ports().stream().anyMatch(PortConfig::ingress));
    }

    /** The addresses of every endpoint that exists (in any state): a backend not among them is gone. */
    static Set<InetAddress> endpointAddresses(IngressView view) {
        Set<InetAddress> all = new HashSet<>();
        view.endpoints().forEach(e -> all.add(address(e.address())));
        return all;
    }

    static InetAddress address(String ipv4) {
        return Ipv4Subnet.inetAddress(Ipv4Subnet.parseAddress(ipv4));
    }
}
