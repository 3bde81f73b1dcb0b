package io.trellis.dataplane.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How much of Maglev's table, and of live flows, a change of the backends moves. */
class MaglevDisruptionTest {
    private static MaglevBalancer maglev(BackendSet set) {
        return (MaglevBalancer) BalancerFactory.of("maglev", set);
    }

    /** The fraction of entries whose backend (by ID) differs between {@code a} and {@code b}. */
    static double moved(MaglevBalancer a, MaglevBalancer b) {
        int moved = 0;
        for (int slot = 0; slot < a.tableSize(); slot++) {
            if (!a.backends().get(a.owner(slot)).id().equals(b.backends().get(b.owner(slot)).id())) {
                moved++;
            }
        }
        return (double) moved / a.tableSize();
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 10, 50})
    void removingOneOfNRemapsAboutOneNth(int n) {
        BackendSet all = TestBackends.equal(n);
        MaglevBalancer before = maglev(all);
        double bound = 1.2 / n + 0.01;
        double min = 1;
        double max = 0;
        double sum = 0;
        for (int r = 0; r < n; r++) {
            double f = moved(before, maglev(all.without(all.get(r).id())));
            // At least the removed backend's own entries move.
            assertThat(f).as("removing backend %d of %d", r, n).isBetween(0.95 / n, bound);
            min = Math.min(min, f);
            max = Math.max(max, f);
            sum += f;
        }
        System.out.printf("maglev M=65537: removing 1 of %d backends moved %.4f..%.4f (mean %.4f) of the table;"
                + " 1/N = %.4f, bound %.4f%n", n, min, max, sum / n, 1.0 / n, bound);
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 10, 50})
    void addingOneBackRestoresTheTableAndAddingANewOneMovesAboutItsShare(int n) {
        BackendSet all = TestBackends.equal(n);
        MaglevBalancer original = maglev(all);
        MaglevBalancer removed = maglev(all.without(all.get(n / 2).id()));
        MaglevBalancer restored = maglev(removed.backends().with(all.get(n / 2)));
        assertThat(moved(original, restored)).isZero();
        double back = moved(removed, restored);
        double grown = moved(original, maglev(all.with(TestBackends.backend(n, 1))));
        System.out.printf("maglev M=65537, N=%d: adding the removed backend back moved %.4f, adding a new"
                + " backend moved %.4f (1/(N+1) = %.4f)%n", n, back, grown, 1.0 / (n + 1));
        assertThat(back).isLessThanOrEqualTo(1.2 / n + 0.01);
        assertThat(grown).isBetween(0.95 / (n + 1), 1.2 / (n + 1) + 0.01);
    }

    /**
     * What the proxy sees: a flow table (flow hash → backend, as conntrack keeps it) consulted before the
     * balancer. After one backend leaves, flows on the others keep their backend, and would even without
     * the table but for Maglev's small extra churn; the flows that were on the removed backend, arriving
     * anew, spread evenly over the rest.
     */
    @Test
    void removingABackendMovesOnlyItsFlows() {
        int n = 10;
        BackendSet all = TestBackends.equal(n);
        Balancer before = BalancerFactory.of("maglev", all);
        Map<Long, Backend> flows = new HashMap<>();
        Random random = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            long h = random.nextLong();
            flows.put(h, route(flows, before, h));
        }
        Backend gone = all.get(3);
        Balancer after = before.withBackends(all.without(gone.id()));
        // Conntrack drops the removed backend's flows; the rest stay pinned.
        Map<Long, Backend> kept = new HashMap<>(flows);
        kept.values().removeIf(b -> b.id().equals(gone.id()));

        int orphans = 0;
        int repickedDifferently = 0;
        int[] orphanSpread = new int[n];
        for (Map.Entry<Long, Backend> flow : flows.entrySet()) {
            long h = flow.getKey();
            Backend now = route(kept, after, h);
            if (flow.getValue().id().equals(gone.id())) {
                orphans++;
                assertThat(now.id()).isNotEqualTo(gone.id());
                orphanSpread[all.indexOf(now.id())]++;
            } else {
                assertThat(now).as("flow %d", h).isEqualTo(flow.getValue());
                if (!after.pick(h).equals(flow.getValue())) {
                    repickedDifferently++;
                }
            }
        }
        double churn = (double) repickedDifferently / (flows.size() - orphans);
        System.out.printf("maglev N=%d: %d of %d flows were on the removed backend; without a flow table"
                + " %.4f of the others' flows would change backend%n", n, orphans, flows.size(), churn);
        assertThat(churn).isLessThanOrEqualTo(0.2 / n + 0.01);
        double even = orphans / (n - 1.0);
        for (int i = 0; i < n; i++) {
            if (i == 3) {
                assertThat(orphanSpread[i]).isZero();
            } else {
                assertThat((double) orphanSpread[i]).as("backend %d", i).isBetween(even * 0.8, even * 1.2);
            }
        }
    }

    /** The proxy's order: an existing flow keeps its backend while that is still in the set. */
    private static Backend route(Map<Long, Backend> flows, Balancer balancer, long h) {
        Backend pinned = flows.get(h);
        if (pinned != null && balancer.backends().contains(pinned.id())) {
            return pinned;
        }
        Backend picked = balancer.pick(h);
        flows.put(h, picked);
        return picked;
    }
}
