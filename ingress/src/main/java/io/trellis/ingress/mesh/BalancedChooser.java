package io.trellis.ingress.mesh;

import io.trellis.dataplane.balance.Backend;
import io.trellis.dataplane.balance.BackendSet;
import io.trellis.dataplane.balance.Balancer;
import io.trellis.dataplane.balance.BalancerFactory;
import io.trellis.dataplane.balance.Hashes;
import io.trellis.dataplane.balance.LiveBalancer;
import io.trellis.ingress.proxy.BackendChooser;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * A published port's {@link BackendChooser} over the service's live balancer. The flow hash Maglev uses is
 * the client's address and port, so a client keeps its backend on every node with the same set. Backends
 * are known by address here: least-connections counts opened and closed connections per backend ID, also
 * for a backend that has just left the set.
 */
final class BalancedChooser implements BackendChooser {
    private final LiveBalancer balancer;
    private volatile Map<InetSocketAddress, Backend> byAddress = Map.of();

    BalancedChooser(String algorithm) {
        this.balancer = new LiveBalancer(BalancerFactory.of(algorithm, BackendSet.EMPTY));
    }

    String algorithm() {
        return balancer.current().algorithm();
    }

    BackendSet backends() {
        return balancer.current().backends();
    }

    /**
     * Publishes a new set. The backends of the set it replaces stay known for one more change, so the
     * connections still open to a backend that just left are counted down when they close.
     */
    synchronized void update(BackendSet next) {
        Map<InetSocketAddress, Backend> known = new HashMap<>();
        balancer.current().backends().backends().forEach(b -> known.put(b.address(), b));
        next.backends().forEach(b -> known.put(b.address(), b));
        byAddress = Map.copyOf(known);
        balancer.update(next);
    }

    @Override
    public InetSocketAddress choose(InetSocketAddress client, InetSocketAddress excluded) {
        Balancer b = balancer.current();
        long hash = flowHash(client);
        Backend picked;
        if (excluded == null) {
            picked = b.pick(hash);
        } else {
            Backend failed = byAddress.get(excluded);
            picked = failed == null ? b.pick(hash) : b.pickExcluding(hash, failed);
        }
        return picked == null ? null : picked.address();
    }

    @Override
    public void opened(InetSocketAddress backend) {
        Backend b = byAddress.get(backend);
        if (b != null) {
            balancer.current().opened(b);
        }
    }

    @Override
    public void closed(InetSocketAddress backend) {
        Backend b = byAddress.get(backend);
        if (b != null) {
            balancer.current().closed(b);
        }
    }

    static long flowHash(InetSocketAddress client) {
        InetAddress a = client.getAddress();
        long ip = a instanceof Inet4Address ? Integer.toUnsignedLong(a.hashCode()) : a.hashCode();
        return Hashes.mix64((ip << 16) ^ client.getPort());
    }
}
