package io.trellis.admin;

import java.time.Duration;

/**
 * How much a TLS listener gives a peer it does not know yet. A connection is anonymous until its
 * handshake brings a verified client certificate; anonymous connections are capped per source
 * address and in total, and their request bodies are kept small, so a flood of idle or slow
 * connections cannot take the agent's file descriptors or memory.
 *
 * @param handshakeTimeout     a TLS handshake not finished by then is cut
 * @param idleTimeout          a connection with no byte read or written for this long is closed;
 *                             longer than the longest reply a handler may hold back (the 20 s long poll)
 * @param maxAnonymousPerAddress anonymous connections one source address may hold
 * @param maxAnonymous         anonymous connections the listener holds in all
 * @param anonymousBodyBytes   largest request body before authentication (a join request is small)
 */
public record ListenerLimits(Duration handshakeTimeout, Duration idleTimeout, int maxAnonymousPerAddress,
                             int maxAnonymous, int anonymousBodyBytes) {

    /** The cluster port's and the TCP admin listener's limits. */
    public static final ListenerLimits DEFAULT = new ListenerLimits(Duration.ofSeconds(10), Duration.ofMinutes(3),
            32, 512, 64 * 1024);

    public ListenerLimits {
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || idleTimeout.isNegative()
                || idleTimeout.isZero()) {
            throw new IllegalArgumentException("listener timeouts must be positive");
        }
        if (maxAnonymousPerAddress < 1 || maxAnonymous < maxAnonymousPerAddress || anonymousBodyBytes < 1) {
            throw new IllegalArgumentException("listener limits must be positive, the total at least the per-address cap");
        }
    }
}
