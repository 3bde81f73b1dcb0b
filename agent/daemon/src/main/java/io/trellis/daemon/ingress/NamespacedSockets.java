package io.trellis.daemon.ingress;

import io.trellis.ingress.proxy.BackendSockets;
import io.trellis.ipvs.netns.NamespaceHop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Makes each backend socket in the namespace it can reach its task from: a task of this node in the task's
 * own namespace (the connection stays on the host, no overlay hop), any other in the ingress sandbox, whose
 * interface is on the ingress network.
 */
final class NamespacedSockets implements BackendSockets {
    private volatile Map<InetAddress, NamespaceHop> localTasks = Map.of();
    private volatile NamespaceHop sandbox;

    void localTasks(Map<InetAddress, NamespaceHop> hops) {
        this.localTasks = Map.copyOf(hops);
    }

    void sandbox(NamespaceHop hop) {
        this.sandbox = hop;
    }

    @Override
    public <T> T create(InetSocketAddress backend, Supplier<T> socket) {
        NamespaceHop hop = localTasks.get(backend.getAddress());
        if (hop == null) {
            hop = sandbox;
        }
        if (hop == null) {
            throw new IllegalStateException("no route to " + backend + ": this node has no ingress sandbox");
        }
        return hop.run(socket);
    }
}
