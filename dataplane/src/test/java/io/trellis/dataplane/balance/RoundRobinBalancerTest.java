package io.trellis.dataplane.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinBalancerTest {
    @Test
    void equalWeightsShareEvenly() {
        Map<String, Integer> counts = TestBackends.histogram(BalancerFactory.of("rr", TestBackends.equal(7)), 70_000);
        assertThat(counts).hasSize(7);
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(9_900, 10_100));
    }

    @Test
    void weightsOneTwoThreeShareProportionally() {
        Map<String, Integer> counts =
                TestBackends.histogram(BalancerFactory.of("rr", TestBackends.weighted(1, 2, 3)), 60_000);
        assertThat(counts).containsExactly(Map.entry("task-000", 10_000), Map.entry("task-001", 20_000),
                Map.entry("task-002", 30_000));
    }

    @Test
    void orderIsSmoothNotInRuns() {
        Balancer b = BalancerFactory.of("rr", TestBackends.weighted(5, 1, 1));
        List<String> seq = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seq.add(b.pick(0).id().substring(5));
        }
        assertThat(seq).containsExactly("000", "000", "001", "000", "002", "000", "000");
        Balancer even = BalancerFactory.of("rr", TestBackends.weighted(2, 2, 1));
        String previous = "";
        for (int i = 0; i < 50; i++) {
            String id = even.pick(0).id();
            assertThat(id).isNotEqualTo(previous);
            previous = id;
        }
    }

    @Test
    void retryNeverReturnsTheFailedBackend() {
        Balancer b = BalancerFactory.of("rr", TestBackends.weighted(1, 1000, 1));
        Backend heavy = b.backends().get(1);
        int others = 0;
        for (int i = 0; i < 5_000; i++) {
            Backend retry = b.pickExcluding(i, heavy);
            assertThat(retry.id()).isNotEqualTo(heavy.id());
            others += retry.id().equals("task-000") ? 1 : 0;
        }
        assertThat(others).isBetween(2_000, 3_000);
        Balancer single = BalancerFactory.of("rr", TestBackends.equal(1));
        assertThat(single.pickExcluding(0, single.backends().get(0))).isNull();
        assertThat(single.pickExcluding(0, null)).isSameAs(single.backends().get(0));
    }

    @Test
    void emptySetPicksNothing() {
        Balancer b = BalancerFactory.of("rr", BackendSet.EMPTY);
        assertThat(b.pick(1)).isNull();
        assertThat(b.pickExcluding(1, TestBackends.backend(0, 1))).isNull();
        assertThat(b.withBackends(TestBackends.equal(1)).pick(1)).isNotNull();
    }
}
