package io.trellis.ingress.proxy;

import java.net.InetSocketAddress;

/** Picks the backend for a new connection or flow; the proxies' only view of backend selection. */
@FunctionalInterface
public interface BackendChooser {
    /**
     * The backend for {@code client}, never {@code excluded} (the one that just failed, or null on the first
     * try); null when there is none. Called on an event loop: it must not block.
     */
    InetSocketAddress choose(InetSocketAddress client, InetSocketAddress excluded);

    /** A TCP connection to {@code backend} was established (least-connections counts these). */
    default void opened(InetSocketAddress backend) {
    }

    /** A TCP connection to {@code backend} that {@link #opened} ended. */
    default void closed(InetSocketAddress backend) {
    }
}
