package io.trellis.dataplane.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Balancers by name: {@code rr}, {@code least-conn}, {@code maglev}. */
public final class BalancerFactory {
    /** The valid names, in the order error messages list them. */
    public static final List<String> NAMES =
            List.of(RoundRobinBalancer.NAME, LeastConnectionsBalancer.NAME, MaglevBalancer.NAME);
    /** Maglev's default table size, the smallest allowed (a prime). */
    public static final int DEFAULT_MAGLEV_TABLE_SIZE = MaglevTable.DEFAULT_SIZE;

    private BalancerFactory() {
    }

    /** A balancer named {@code name} over {@code backends}, with fresh counters and Maglev's default table. */
    public static Balancer of(String name, BackendSet backends) {
        return of(name, backends, DEFAULT_MAGLEV_TABLE_SIZE, new ActiveConnections());
    }

    /**
     * A balancer named {@code name} over {@code backends}.
     *
     * @param maglevTableSize a prime from 65,537 up, checked whatever the algorithm (a bad setting is an
     *                        error before anyone switches to maglev)
     * @param connections     the counts {@code least-conn} reads and keeps; others ignore them
     * @throws IllegalArgumentException one line naming the valid values
     */
    public static Balancer of(String name, BackendSet backends, int maglevTableSize, ActiveConnections connections) {
        return of(name, backends, maglevTableSize, connections, new AtomicLong());
    }

    /**
     * As {@link #of(String, BackendSet, int, ActiveConnections)}, for a caller that builds each balancer of
     * a service afresh rather than by {@link Balancer#withBackends}: the service's state is passed in.
     *
     * @param cursor rr's position in its order and least-conn's tie rotation; the same one for every
     *               balancer of the service, so a rebuild does not send the next flow to the first backend
     */
    public static Balancer of(String name, BackendSet backends, int maglevTableSize, ActiveConnections connections,
                              AtomicLong cursor) {
        checkName(name);
        MaglevTable.checkSize(maglevTableSize);
        return switch (name) {
            case RoundRobinBalancer.NAME -> new RoundRobinBalancer(backends, cursor);
            case LeastConnectionsBalancer.NAME -> new LeastConnectionsBalancer(backends, connections, cursor);
            default -> new MaglevBalancer(backends, maglevTableSize);
        };
    }

    /** {@code name} if it names an algorithm, else a one-line IllegalArgumentException listing the valid names. */
    public static String checkName(String name) {
        if (name == null || !NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown balancing algorithm \"" + name + "\" (valid: "
                    + String.join(", ", NAMES) + ")");
        }
        return name;
    }

    /** {@code size} if Maglev can use it, else a one-line IllegalArgumentException. */
    public static int checkMaglevTableSize(int size) {
        return MaglevTable.checkSize(size);
    }
}
