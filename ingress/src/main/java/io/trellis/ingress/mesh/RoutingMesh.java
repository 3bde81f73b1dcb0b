package io.trellis.ingress.mesh;

import io.trellis.ingress.proxy.BackendSockets;
import io.trellis.ingress.proxy.ProxyEventLoops;
import io.trellis.ingress.proxy.TcpProxyOptions;
import io.trellis.ingress.proxy.UdpProxyOptions;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's published ports, reconciled against a whole plan at a time: listeners opened for new ports,
 * backend sets swapped in place for changed ones (connections stay), listeners closed for ports no longer
 * published. A port that cannot be bound (another program holds it) is reported and retried with the next
 * plan, never fatal to the others.
 */
public final class RoutingMesh implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingMesh.class);

    private final ProxyEventLoops loops;
    private final BackendSockets sockets;
    private final TcpProxyOptions tcpOptions;
    private final UdpProxyOptions udpOptions;
    private final Map<String, PublishedListener> listeners = new LinkedHashMap<>();
    private final Map<String, String> failures = new HashMap<>();

    public RoutingMesh(ProxyEventLoops loops, BackendSockets sockets, TcpProxyOptions tcpOptions,
                       UdpProxyOptions udpOptions) {
        this.loops = loops;
        this.sockets = sockets;
        this.tcpOptions = tcpOptions;
        this.udpOptions = udpOptions;
    }

    /**
     * Serves exactly {@code plans}. {@code endpoints} are the addresses of every task that still exists
     * (running, starting or stopping): a backend whose address left it is gone and its connections are reset.
     */
    public synchronized void apply(List<PortPlan> plans, Set<InetAddress> endpoints) {
        Map<String, PortPlan> wanted = new LinkedHashMap<>();
        plans.forEach(p -> wanted.put(p.key(), p));
        for (String key : List.copyOf(listeners.keySet())) {
            PortPlan next = wanted.get(key);
            PublishedListener l = listeners.get(key);
            if (next == null || !next.sameListener(l.plan())) {
                listeners.remove(key).close();
                LOG.info("stopped listening on published port {} ({})", key, l.plan().serviceName());
            }
        }
        failures.keySet().retainAll(wanted.keySet());
        for (PortPlan p : wanted.values()) {
            PublishedListener l = listeners.get(p.key());
            if (l != null) {
                l.update(p);
                continue;
            }
            try {
                listeners.put(p.key(), PublishedListener.open(loops, p, sockets, tcpOptions, udpOptions));
                failures.remove(p.key());
                LOG.info("listening on published port {} for service {} ({}, {}, {} backends)", p.key(),
                        p.serviceName(), p.mode(), p.algorithm(), p.backends().size());
            } catch (RuntimeException e) {
                if (!e.getMessage().equals(failures.put(p.key(), e.getMessage()))) {
                    LOG.warn("cannot publish port {} for service {}: {}", p.key(), p.serviceName(), e.getMessage());
                }
            }
        }
        listeners.values().forEach(l -> l.forgetAllBut(endpoints));
    }

    /** The listeners serving now, by {@code port/protocol}. */
    public synchronized List<PublishedListener> listeners() {
        return new ArrayList<>(listeners.values());
    }

    /** Ports that could not be bound, with why, by {@code port/protocol}. */
    public synchronized Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    @Override
    public synchronized void close() {
        listeners.values().forEach(PublishedListener::close);
        listeners.clear();
    }
}
