package io.trellis.dataplane.balance;

/**
 * Picks a backend for a new flow over one immutable {@link BackendSet}. Picking never locks and never
 * allocates, so the proxy may call it on its event loops. Take one balancer (one snapshot) per flow:
 * pick, then {@link #opened} and later {@link #closed} on that same object.
 */
public interface Balancer {
    /** The algorithm's name as {@link BalancerFactory#of} takes it. */
    String algorithm();

    /** The backends this balancer picks from. */
    BackendSet backends();

    /**
     * The backend for a new flow, or null when there is none.
     *
     * @param flowHash a well-mixed hash of the flow's 5-tuple; only {@code maglev} uses it (the same
     *                 flow gets the same backend on every node with the same set)
     */
    Backend pick(long flowHash);

    /**
     * The backend for a retry after connecting to {@code failed} did not work: never {@code failed}
     * (matched by ID) while another backend exists; null when none does.
     */
    Backend pickExcluding(long flowHash, Backend failed);

    /**
     * Whether {@link #opened} and {@link #closed} matter ({@code least-conn}): a caller that must keep
     * something per flow to call them may skip that for the others.
     */
    default boolean countsConnections() {
        return false;
    }

    /** A connection to {@code backend} was established. Only {@code least-conn} counts. */
    default void opened(Backend backend) {
    }

    /** A connection to {@code backend} ended. Only {@code least-conn} counts. */
    default void closed(Backend backend) {
    }

    /**
     * A balancer of the same algorithm over {@code next}, carrying over what must survive a change of
     * the set (connection counts, the round-robin cursor, Maglev's table size). Control path.
     */
    Balancer withBackends(BackendSet next);
}
