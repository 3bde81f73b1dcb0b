package io.trellis.dataplane.lb;

import io.trellis.dataplane.balance.Backend;
import io.trellis.dataplane.balance.Balancer;

/**
 * One backend of a VIP whose balancer counts connections ({@code least-conn}), as a {@link Conntrack}
 * entry holds it: the table reports the entry's TCP flow opened when it inserts it and closed once,
 * when the flow ends, so the balancer counts the connections open through this node's NAT. The
 * balancer is the snapshot's the flow was picked in; its counts are the VIP's, shared by every
 * snapshot, so a flow that outlives its snapshot still closes into the current count.
 */
final class ConnectionGauge {
    private final Balancer balancer;
    private final Backend backend;

    ConnectionGauge(Balancer balancer, Backend backend) {
        this.balancer = balancer;
        this.backend = backend;
    }

    void opened() {
        balancer.opened(backend);
    }

    void closed() {
        balancer.closed(backend);
    }
}
