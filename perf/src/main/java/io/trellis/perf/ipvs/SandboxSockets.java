package io.trellis.perf.ipvs;

import io.trellis.ingress.proxy.BackendSockets;
import io.trellis.ipvs.netns.NamespaceHop;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * Every backend socket made in the ingress sandbox, as the agent makes it for a task on another node (the agent's
 * own class also sends a local task's connections through that task's namespace; here no task is local).
 */
final class SandboxSockets implements BackendSockets {
    private final NamespaceHop sandbox;

    SandboxSockets(NamespaceHop sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public <T> T create(InetSocketAddress backend, Supplier<T> socket) {
        return sandbox.run(socket);
    }
}
