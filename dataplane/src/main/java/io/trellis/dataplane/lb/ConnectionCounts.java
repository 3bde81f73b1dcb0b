package io.trellis.dataplane.lb;

import java.util.HashMap;
import java.util.Map;

/**
 * Live connections per network, VIP and backend, counted in one pass over a {@link Conntrack}
 * (for listings: it allocates and takes each stripe's read lock once).
 */
public final class ConnectionCounts {
    private final Map<Key, long[]> counts = new HashMap<>();

    private record Key(int vni, int vip, int backend) {
    }

    private ConnectionCounts() {
    }

    public static ConnectionCounts of(Conntrack conntrack) {
        ConnectionCounts c = new ConnectionCounts();
        conntrack.forEach((vni, protocol, vip, backend, state) -> {
            long[] n = c.counts.computeIfAbsent(new Key(vni, vip, backend), k -> new long[2]);
            n[state == Conntrack.TCP_ESTABLISHED ? 0 : 1]++;
        });
        return c;
    }

    /** TCP connections past the handshake and not closing. */
    public long active(int vni, int vip, int backend) {
        return counts.getOrDefault(new Key(vni, vip, backend), new long[2])[0];
    }

    /** Every other live entry: TCP half-open or closing, UDP and ICMP flows. */
    public long inactive(int vni, int vip, int backend) {
        return counts.getOrDefault(new Key(vni, vip, backend), new long[2])[1];
    }
}
