package io.trellis.dataplane.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.dataplane.balance.Backend;
import io.trellis.dataplane.balance.BackendSet;
import io.trellis.dataplane.balance.Balancer;
import io.trellis.dataplane.model.VipBackend;
import io.trellis.dataplane.model.VipService;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A VIP's balancing state across snapshots: kept while the VIP is listed, reused while nothing changed. */
class VipCountersTest {
    static final int VIP = 0x0A_00_00_64;
    static final BackendSet TWO = BackendSet.of(backend("t1", 3), backend("t2", 4));
    static final BackendSet THREE = TWO.with(backend("t3", 5));

    final VipCounters counters = new VipCounters();

    private static Backend backend(String id, int host) {
        return new Backend(id, new InetSocketAddress("10.0.0." + host, 0));
    }

    @Test
    void aSnapshotWithTheSameAlgorithmAndBackendsReusesTheBalancer() {
        Balancer maglev = counters.balancer(VIP, "maglev", TWO);
        assertThat(counters.balancer(VIP, "maglev", BackendSet.of(TWO.backends()))).isSameAs(maglev);
        assertThat(counters.balancer(VIP, "maglev", THREE)).isNotSameAs(maglev);
        Balancer rr = counters.balancer(VIP, "rr", THREE);
        assertThat(rr.algorithm()).isEqualTo("rr");
        assertThat(counters.balancer(VIP, "rr", THREE)).isSameAs(rr);
    }

    @Test
    void roundRobinContinuesAcrossAChangeOfTheBackends() {
        Balancer first = counters.balancer(VIP, "rr", THREE);
        assertThat(first.pick(0).id()).isEqualTo("t1");
        // t3 leaves: the cursor (at 1) goes on, so the next flow is t2's, not the first backend's again.
        Balancer next = counters.balancer(VIP, "rr", TWO);
        assertThat(next.pick(0).id()).isEqualTo("t2");
        assertThat(next.pick(0).id()).isEqualTo("t1");
        assertThat(counters.balancer(VIP, "rr", THREE).pick(0).id()).isEqualTo("t1"); // cursor 3 of 3
    }

    @Test
    void leastConnectionCountsSurviveSnapshotsAndGoWithTheVip() {
        Balancer a = counters.balancer(VIP, "least-conn", TWO);
        a.opened(TWO.get(0));
        a.opened(TWO.get(0));
        Balancer b = counters.balancer(VIP, "least-conn", THREE);
        assertThat(counters.openConnections(VIP, "t1")).isEqualTo(2);
        assertThat(b.pick(0).id()).isNotEqualTo("t1");
        a.closed(TWO.get(0)); // a flow picked in the older snapshot ends
        assertThat(counters.openConnections(VIP, "t1")).isEqualTo(1);

        counters.retain(List.of(new VipService("s", "web", "n", VIP + 1, List.of(new VipBackend("t9", "a", 9)))));
        assertThat(counters.openConnections(VIP, "t1")).isZero();
        assertThat(counters.balancer(VIP, "least-conn", THREE)).isNotSameAs(b);
    }
}
