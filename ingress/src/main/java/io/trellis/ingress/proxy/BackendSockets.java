package io.trellis.ingress.proxy;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * Where the socket to a backend is made. On a node the backends of a published port live in other network
 * namespaces (a local task's, or the ingress sandbox's for tasks on other nodes): the socket must be created
 * inside the right one, since it stays there for its life. Called on an event loop: it must not block.
 */
@FunctionalInterface
public interface BackendSockets {
    /** Sockets made in the proxy's own namespace. */
    BackendSockets HERE = new BackendSockets() {
        @Override
        public <T> T create(InetSocketAddress backend, Supplier<T> socket) {
            return socket.get();
        }
    };

    /** Runs {@code socket} (which creates the channel) where a socket to {@code backend} must live. */
    <T> T create(InetSocketAddress backend, Supplier<T> socket);
}
