package io.trellis.dataplane.balance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LiveBalancerTest {
    @Test
    void updatePublishesANewSnapshotAndOldOnesStayAsTheyWere() {
        ActiveConnections connections = new ActiveConnections();
        LiveBalancer live = new LiveBalancer(BalancerFactory.of("least-conn", TestBackends.equal(2),
                BalancerFactory.DEFAULT_MAGLEV_TABLE_SIZE, connections));
        Balancer old = live.current();
        old.opened(old.backends().get(0));
        Balancer next = live.update(old.backends().with(TestBackends.backend(5, 1)));
        assertThat(live.current()).isSameAs(next);
        assertThat(next.backends().size()).isEqualTo(3);
        assertThat(old.backends().size()).isEqualTo(2);
        assertThat(next.algorithm()).isEqualTo("least-conn");
        assertThat(connections.active("task-000")).isEqualTo(1);
        // A flow opened on the old snapshot closes through the new one: one count per backend ID.
        next.closed(old.backends().get(0));
        assertThat(connections.active("task-000")).isZero();
    }
}
