package io.trellis.dataplane.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LeastConnectionsBalancerTest {
    private final ActiveConnections connections = new ActiveConnections();

    private Balancer leastConn(BackendSet set) {
        return BalancerFactory.of("least-conn", set, BalancerFactory.DEFAULT_MAGLEV_TABLE_SIZE, connections);
    }

    private static void open(Balancer b, int backend, int times) {
        for (int i = 0; i < times; i++) {
            b.opened(b.backends().get(backend));
        }
    }

    @Test
    void picksTheLeastLoaded() {
        Balancer b = leastConn(TestBackends.equal(3));
        open(b, 0, 5);
        open(b, 1, 3);
        open(b, 2, 4);
        assertThat(b.pick(0).id()).isEqualTo("task-001");
        open(b, 1, 2);
        assertThat(b.pick(0).id()).isEqualTo("task-002");
        b.closed(b.backends().get(0));
        b.closed(b.backends().get(0));
        assertThat(b.pick(0).id()).isEqualTo("task-000");
        assertThat(connections.active("task-000")).isEqualTo(3);
    }

    @Test
    void tiesGoRoundRobin() {
        Balancer b = leastConn(TestBackends.equal(4));
        Map<String, Integer> counts = TestBackends.histogram(b, 4_000);
        assertThat(counts.values()).containsOnly(1_000);
    }

    @Test
    void honoursWeights() {
        Balancer b = leastConn(TestBackends.weighted(1, 2, 3));
        for (int i = 0; i < 600; i++) {
            b.opened(b.pick(i));
        }
        assertThat(connections.active("task-000")).isEqualTo(100);
        assertThat(connections.active("task-001")).isEqualTo(200);
        assertThat(connections.active("task-002")).isEqualTo(300);
    }

    @Test
    void churnOfShortConnectionsStaysBalanced() {
        Balancer b = leastConn(TestBackends.equal(5));
        Random random = new Random(7);
        ArrayDeque<Backend> open = new ArrayDeque<>();
        Map<String, Integer> picks = new TreeMap<>();
        for (int i = 0; i < 50_000; i++) {
            Backend picked = b.pick(i);
            b.opened(picked);
            open.add(picked);
            picks.merge(picked.id(), 1, Integer::sum);
            while (open.size() > 20 || (!open.isEmpty() && random.nextInt(3) == 0)) {
                b.closed(open.poll());
            }
        }
        assertThat(picks.values()).allSatisfy(c -> assertThat(c).isBetween(9_500, 10_500));
    }

    @Test
    void retryNeverReturnsTheFailedBackendWhileAnotherExists() {
        Balancer b = leastConn(TestBackends.equal(3));
        open(b, 1, 10);
        open(b, 2, 10);
        Backend failed = b.backends().get(0);
        for (int i = 0; i < 1_000; i++) {
            assertThat(b.pickExcluding(i, failed).id()).isNotEqualTo(failed.id());
        }
        Balancer single = leastConn(TestBackends.equal(1));
        assertThat(single.pickExcluding(0, single.backends().get(0))).isNull();
    }

    @Test
    void countsSurviveARebuildForBackendsThatStay() {
        Balancer b = leastConn(TestBackends.equal(3));
        open(b, 0, 4);
        open(b, 1, 2);
        open(b, 2, 3);
        Backend newcomer = TestBackends.backend(9, 1);
        Balancer next = b.withBackends(b.backends().without("task-002").with(newcomer));
        assertThat(connections.active("task-000")).isEqualTo(4);
        assertThat(next.pick(0)).isEqualTo(newcomer);
        next.opened(newcomer);
        next.opened(newcomer);
        next.opened(newcomer);
        assertThat(next.pick(0).id()).isEqualTo("task-001");
        // task-002 left with 3 open connections: its count stays until they close, then goes.
        assertThat(connections.active("task-002")).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            b.closed(b.backends().get(2));
        }
        next.withBackends(next.backends());
        assertThat(connections.tracked()).isEqualTo(3);
    }

    @Test
    void closeWithoutOpenNeverGoesNegative() {
        Balancer b = leastConn(TestBackends.equal(2));
        b.closed(b.backends().get(0));
        b.closed(TestBackends.backend(7, 1));
        assertThat(connections.active("task-000")).isZero();
        open(b, 1, 1);
        assertThat(b.pick(0).id()).isEqualTo("task-000");
    }
}
