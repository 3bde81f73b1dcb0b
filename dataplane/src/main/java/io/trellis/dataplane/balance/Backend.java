package io.trellis.dataplane.balance;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One backend of a service: {@code id} names it for as long as it lives (the task ID), so counters and
 * Maglev's permutation follow the backend, not its address, which a later task may reuse.
 *
 * @param weight 1 to {@link #MAX_WEIGHT}; a backend of weight 2 gets twice the flows of one of weight 1
 */
public record Backend(String id, InetSocketAddress address, int weight) {
    /** Bounds the round-robin sequence (the sum of the weights) a set may need. */
    public static final int MAX_WEIGHT = 1000;

    public Backend {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        if (id.isBlank()) {
            throw new IllegalArgumentException("backend id must not be blank");
        }
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException(
                    "backend " + id + ": weight must be between 1 and " + MAX_WEIGHT + ", got " + weight);
        }
    }

    /** A backend of weight 1. */
    public Backend(String id, InetSocketAddress address) {
        this(id, address, 1);
    }
}
