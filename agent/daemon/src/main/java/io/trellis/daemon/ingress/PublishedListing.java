package io.trellis.daemon.ingress;

import io.trellis.api.VipView;
import io.trellis.controlplane.protocol.ClusterMessages.Endpoint;
import io.trellis.daemon.lb.IpvsBalancer;
import io.trellis.daemon.lb.IpvsPublishedPorts;
import io.trellis.daemon.network.IngressView;
import io.trellis.dataplane.balance.Backend;
import io.trellis.ingress.mesh.PortPlan;
import io.trellis.ingress.mesh.PublishedListener;
import io.trellis.ingress.mesh.RoutingMesh;
import io.trellis.ingress.proxy.TcpProxyCounters;
import io.trellis.ingress.proxy.UdpProxyCounters;
import io.trellis.ipvs.lvs.IpvsStats;
import io.trellis.ipvs.lvs.RealServer;
import io.trellis.ipvs.lvs.ServiceKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** This node's published ports as {@code vip ls} lists them, beside the VIPs. */
public final class PublishedListing {
    private PublishedListing() {
    }

    public static List<VipView> of(IngressAgent ingress, IngressView view, String networkName) throws IOException {
        Map<String, Endpoint> endpoints = new HashMap<>();
        view.endpoints().forEach(e -> endpoints.put(e.taskId(), e));
        List<VipView> views = new ArrayList<>();
        IpvsBalancer ipvs = ingress.ipvsIfUsed();
        if (ipvs != null) {
            views.addAll(kernel(ipvs.ports().listing(), endpoints, networkName));
        }
        RoutingMesh mesh = ingress.meshIfStarted();
        if (mesh == null) {
            return views;
        }
        for (PublishedListener l : mesh.listeners()) {
            PortPlan p = l.plan();
            List<VipView.Backend> backends = new ArrayList<>();
            for (Backend b : p.backends()) {
                Endpoint e = endpoints.get(b.id());
                backends.add(new VipView.Backend(e == null ? b.id() : e.taskName(), e == null ? "" : e.nodeName(),
                        b.address().getAddress().getHostAddress() + ":" + b.address().getPort(), "running",
                        l.connectionsTo(b.address()), 0, 0, 0));
            }
            TcpProxyCounters tcp = l.tcpCounters();
            UdpProxyCounters udp = l.udpCounters();
            long connections = tcp != null ? tcp.accepted() : udp.flowsCreated();
            long bytes = tcp != null ? tcp.bytesFromClients() + tcp.bytesFromBackends()
                    : udp.bytesFromClients() + udp.bytesFromBackends();
            views.add(new VipView(networkName, p.serviceName(), "*:" + p.port(), l.algorithm(), backends,
                    p.udp() ? "UDP" : "TCP", p.mode(), connections, bytes, null));
        }
        mesh.failures().forEach((key, why) -> views.add(new VipView(networkName, "", "*:" + key.substring(0,
                key.indexOf('/')), "", List.of(), key.substring(key.indexOf('/') + 1).toUpperCase(Locale.ROOT),
                "ingress", 0, 0, why)));
        return views;
    }

    /** As ipvsadm lists real servers: by address, then port. */
    private static final Comparator<RealServer> IN_ADDRESS_ORDER = Comparator
            .<RealServer, byte[]>comparing(r -> r.address().getAddress(), Arrays::compareUnsigned)
            .thenComparingInt(RealServer::port);

    /** Ports in IPVS, one row per node address as {@code ipvsadm -Ln} lists them, with the kernel's counters. */
    private static List<VipView> kernel(Map<ServiceKey, IpvsPublishedPorts.Listed> listed, Map<String, Endpoint> endpoints,
            String networkName) {
        Map<InetSocketAddress, Backend> byAddress = new HashMap<>();
        List<VipView> views = new ArrayList<>();
        listed.forEach((key, l) -> {
            l.plan().backends().forEach(b -> byAddress.put(b.address(), b));
            List<VipView.Backend> backends = new ArrayList<>();
            for (RealServer r : l.destinations().stream().sorted(IN_ADDRESS_ORDER).toList()) {
                InetSocketAddress at = new InetSocketAddress(r.address(), r.port());
                Backend b = byAddress.get(at);
                Endpoint e = b == null ? null : endpoints.get(b.id());
                IpvsStats st = r.stats();
                backends.add(new VipView.Backend(e == null ? (b == null ? "" : b.id()) : e.taskName(),
                        e == null ? "" : e.nodeName(), r.address().getHostAddress() + ":" + r.port(), "running",
                        r.activeConnections(), r.inactiveConnections(),
                        st == null ? 0 : st.inPackets() + st.outPackets(), st == null ? 0 : st.inBytes() + st.outBytes()));
            }
            IpvsStats st = l.service().stats();
            views.add(new VipView(networkName, l.plan().serviceName(),
                    key.address().getHostAddress() + ":" + key.port(), l.service().scheduler(), backends,
                    key.protocol().name(), "ingress", st == null ? 0 : st.connections(),
                    st == null ? 0 : st.inBytes() + st.outBytes(), null, VipView.IPVS));
        });
        return views;
    }
}
