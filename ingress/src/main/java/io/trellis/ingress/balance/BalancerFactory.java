package io.trellis.ingress.balance;

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
        checkName(name);
        MaglevTable.checkSize(maglevTableSize);
        return switch (name) {
            case RoundRobinBalancer.NAME -> new RoundRobinBalancer(backends, new AtomicLong());
            case LeastConnectionsBalancer.NAME -> new LeastConnectionsBalancer(backends, connections, new AtomicLong());
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
