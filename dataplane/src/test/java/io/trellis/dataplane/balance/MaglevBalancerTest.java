package io.trellis.dataplane.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MaglevBalancerTest {
    private static MaglevBalancer maglev(BackendSet set) {
        return (MaglevBalancer) BalancerFactory.of("maglev", set);
    }

    /** Entries per backend index. */
    static int[] owned(MaglevBalancer b) {
        int[] owned = new int[b.backends().size()];
        for (int slot = 0; slot < b.tableSize(); slot++) {
            owned[b.owner(slot)]++;
        }
        return owned;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 10, 50, 300})
    void tableIsFullAndEqualWeightsShareIt(int n) {
        MaglevBalancer b = maglev(TestBackends.equal(n));
        for (int slot = 0; slot < b.tableSize(); slot++) {
            assertThat(b.owner(slot)).isBetween(0, n - 1);
        }
        double share = 65_537.0 / n;
        for (int count : owned(b)) {
            assertThat((double) count).isBetween(share * 0.95, share * 1.05);
        }
    }

    @Test
    void weightsOneTwoThreeShareTheTableProportionally() {
        MaglevBalancer b = maglev(TestBackends.weighted(1, 2, 3));
        int[] owned = owned(b);
        assertThat(owned[0] + owned[1] + owned[2]).isEqualTo(65_537);
        for (int i = 0; i < 3; i++) {
            double share = 65_537.0 * (i + 1) / 6;
            assertThat((double) owned[i]).as("backend %d", i).isBetween(share * 0.95, share * 1.05);
        }
    }

    @Test
    void weightedSharesHoldInALargerMixedSet() {
        int[] weights = new int[40];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1 + i % 4;
        }
        MaglevBalancer b = maglev(TestBackends.weighted(weights));
        int[] owned = owned(b);
        double total = 0;
        for (int w : weights) {
            total += w;
        }
        for (int i = 0; i < weights.length; i++) {
            double share = 65_537.0 * weights[i] / total;
            assertThat((double) owned[i]).as("backend %d", i).isBetween(share * 0.95, share * 1.05);
        }
    }

    @Test
    void flowsSpreadLikeTheTable() {
        Map<String, Integer> equal = TestBackends.histogram(maglev(TestBackends.equal(5)), 100_000);
        assertThat(equal.values()).allSatisfy(c -> assertThat(c).isBetween(19_000, 21_000));
        Map<String, Integer> weighted = TestBackends.histogram(maglev(TestBackends.weighted(1, 2, 3)), 60_000);
        assertThat(weighted.get("task-000")).isBetween(9_500, 10_500);
        assertThat(weighted.get("task-001")).isBetween(19_000, 21_000);
        assertThat(weighted.get("task-002")).isBetween(28_500, 31_500);
    }

    @Test
    void sameFlowSameBackendWhateverOrderTheSetWasGivenIn() {
        List<Backend> list = new ArrayList<>(TestBackends.equal(20).backends());
        Collections.shuffle(list, new Random(3));
        Balancer a = BalancerFactory.of("maglev", TestBackends.equal(20));
        Balancer b = BalancerFactory.of("maglev", BackendSet.of(list));
        for (long h = 0; h < 10_000; h++) {
            assertThat(b.pick(h)).isEqualTo(a.pick(h));
        }
    }

    @Test
    void retryNeverReturnsTheFailedBackendAndSpreadsOverTheOthers() {
        Balancer b = BalancerFactory.of("maglev", TestBackends.equal(5));
        Backend failed = b.backends().get(2);
        int[] retries = new int[5];
        Random random = new Random(11);
        for (int i = 0; i < 50_000; i++) {
            long h = random.nextLong();
            Backend retry = b.pickExcluding(h, failed);
            assertThat(retry.id()).isNotEqualTo(failed.id());
            retries[b.backends().indexOf(retry.id())]++;
            if (!b.pick(h).equals(failed)) {
                assertThat(retry).isEqualTo(b.pick(h));
            }
        }
        assertThat(retries[2]).isZero();
        // The failed backend's fifth of the flows lands on the other four: ~12,500 each.
        for (int i : new int[] {0, 1, 3, 4}) {
            assertThat(retries[i]).isBetween(11_500, 13_500);
        }
        Balancer single = BalancerFactory.of("maglev", TestBackends.equal(1));
        assertThat(single.pickExcluding(1, single.backends().get(0))).isNull();
    }

    @Test
    void emptySetPicksNothing() {
        Balancer b = BalancerFactory.of("maglev", BackendSet.EMPTY);
        assertThat(b.pick(5)).isNull();
        assertThat(b.pickExcluding(5, null)).isNull();
    }
}
