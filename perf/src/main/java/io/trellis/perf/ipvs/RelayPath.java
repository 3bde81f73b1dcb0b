package io.trellis.perf.ipvs;

import io.trellis.ingress.mesh.PortPlan;
import io.trellis.ingress.mesh.PublishedListener;
import io.trellis.ingress.mesh.RoutingMesh;
import io.trellis.ingress.proxy.BackendSockets;
import io.trellis.ingress.proxy.ConnectFailure;
import io.trellis.ingress.proxy.ProxyEventLoops;
import io.trellis.ingress.proxy.TcpProxyCounters;
import io.trellis.ingress.proxy.TcpProxyOptions;
import io.trellis.ingress.proxy.UdpProxyOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A published port through the user-space relay, as an agent with {@code --lb userspace} serves it: the
 * {@link RoutingMesh} on the agent's default event loops (one per core) and TCP options, listening on every address
 * of the node's namespace, with backend sockets made by the given {@link BackendSockets}.
 */
final class RelayPath implements AutoCloseable {
    private final BackendSockets sockets;
    private ProxyEventLoops loops;
    private RoutingMesh mesh;

    RelayPath(BackendSockets sockets) {
        this.sockets = sockets;
    }

    /** Listens for {@code plan}; a port it cannot bind is an exception. */
    void start(PortPlan plan) throws IOException {
        stop();
        loops = ProxyEventLoops.create();
        mesh = new RoutingMesh(loops, sockets, TcpProxyOptions.defaults(), UdpProxyOptions.defaults());
        Set<InetAddress> tasks = plan.backends().stream().map(b -> b.address().getAddress()).collect(Collectors.toSet());
        mesh.apply(List.of(plan), tasks);
        if (mesh.listeners().isEmpty()) {
            String why = mesh.failures().get(plan.key());
            stop();
            throw new IOException("the relay cannot listen on " + plan.key() + ": " + why);
        }
    }

    /** Closes the listener and its connections; nothing when not started. */
    void stop() {
        if (mesh != null) {
            mesh.close();
            loops.close();
            mesh = null;
            loops = null;
        }
    }

    /** The listener's counters in one line, or empty when not started. */
    String stats() {
        if (mesh == null || mesh.listeners().isEmpty()) {
            return "";
        }
        PublishedListener l = mesh.listeners().get(0);
        TcpProxyCounters c = l.tcpCounters();
        long failures = 0;
        for (ConnectFailure reason : ConnectFailure.values()) {
            failures += c.connectFailures(reason);
        }
        return "relay (" + loops.transport().label() + "): accepted " + c.accepted() + ", bytes from clients "
                + c.bytesFromClients() + ", from backends " + c.bytesFromBackends() + ", connect failures " + failures
                + ", resets sent " + c.resetsSent();
    }

    @Override
    public void close() {
        stop();
    }
}
