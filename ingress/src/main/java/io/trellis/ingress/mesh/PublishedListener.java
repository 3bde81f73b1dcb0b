package io.trellis.ingress.mesh;

import io.trellis.dataplane.balance.BackendSet;
import io.trellis.ingress.proxy.BackendSockets;
import io.trellis.ingress.proxy.ProxyEventLoops;
import io.trellis.ingress.proxy.TcpProxy;
import io.trellis.ingress.proxy.TcpProxyCounters;
import io.trellis.ingress.proxy.TcpProxyOptions;
import io.trellis.ingress.proxy.UdpProxy;
import io.trellis.ingress.proxy.UdpProxyCounters;
import io.trellis.ingress.proxy.UdpProxyOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * One published port listening on this node: a TCP or UDP proxy on every address, its balancer, and the plan
 * it serves. A backend that leaves the plan gets no new connections; its open TCP connections are reset only
 * when its task is gone altogether ({@link #forget}), so a task that stops gracefully finishes its answers.
 */
public final class PublishedListener implements AutoCloseable {
    private final BalancedChooser chooser;
    private final TcpProxy tcp;
    private final UdpProxy udp;
    private final Set<InetSocketAddress> served = new HashSet<>();
    private PortPlan plan;

    private PublishedListener(PortPlan plan, BalancedChooser chooser, TcpProxy tcp, UdpProxy udp) {
        this.plan = plan;
        this.chooser = chooser;
        this.tcp = tcp;
        this.udp = udp;
        plan.backends().forEach(b -> served.add(b.address()));
    }

    static PublishedListener open(ProxyEventLoops loops, PortPlan plan, BackendSockets sockets, TcpProxyOptions tcpOptions,
                                  UdpProxyOptions udpOptions) {
        BalancedChooser chooser = new BalancedChooser(plan.algorithm());
        chooser.update(BackendSet.of(plan.backends()));
        InetSocketAddress any = new InetSocketAddress(plan.port());
        if (plan.udp()) {
            return new PublishedListener(plan, chooser, null, UdpProxy.bind(loops, any, chooser, udpOptions, sockets));
        }
        return new PublishedListener(plan, chooser,
                TcpProxy.bind(loops, any, chooser, tcpOptions.withProxyProtocol(plan.proxyProtocol()), sockets), null);
    }

    public PortPlan plan() {
        return plan;
    }

    /** Takes the plan's backends; those that left get no new connections. */
    void update(PortPlan next) {
        boolean same = next.backends().equals(plan.backends());
        this.plan = next;
        if (same) {
            return; // most changes are elsewhere: a Maglev table is not rebuilt for nothing
        }
        chooser.update(BackendSet.of(next.backends()));
        next.backends().forEach(b -> served.add(b.address()));
    }

    /**
     * Backends whose task no longer exists (their address is not in {@code endpoints}): their open
     * connections are reset (TCP) or their flows ended (UDP), so clients reconnect at once instead of
     * waiting on a peer that vanished.
     */
    void forgetAllBut(Set<InetAddress> endpoints) {
        for (Iterator<InetSocketAddress> it = served.iterator(); it.hasNext();) {
            InetSocketAddress a = it.next();
            if (endpoints.contains(a.getAddress())) {
                continue;
            }
            it.remove();
            if (tcp != null) {
                tcp.removeBackend(a);
            } else {
                udp.removeBackend(a);
            }
        }
    }

    /** TCP connections open now to {@code backend}; 0 for UDP. */
    public int connectionsTo(InetSocketAddress backend) {
        return tcp == null ? 0 : tcp.connectionsTo(backend);
    }

    public String algorithm() {
        return chooser.algorithm();
    }

    /** The TCP counters, or null for a UDP port. */
    public TcpProxyCounters tcpCounters() {
        return tcp == null ? null : tcp.counters();
    }

    /** The UDP counters, or null for a TCP port. */
    public UdpProxyCounters udpCounters() {
        return udp == null ? null : udp.counters();
    }

    @Override
    public void close() {
        if (tcp != null) {
            tcp.close();
        }
        if (udp != null) {
            udp.close();
        }
    }
}
