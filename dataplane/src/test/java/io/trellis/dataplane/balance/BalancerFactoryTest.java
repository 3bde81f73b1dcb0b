package io.trellis.dataplane.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BalancerFactoryTest {
    @ParameterizedTest
    @ValueSource(strings = {"rr", "least-conn", "maglev"})
    void buildsEachAlgorithmByName(String name) {
        Balancer b = BalancerFactory.of(name, TestBackends.equal(3));
        assertThat(b.algorithm()).isEqualTo(name);
        assertThat(b.pick(7)).isNotNull();
        assertThat(b.withBackends(TestBackends.equal(2)).algorithm()).isEqualTo(name);
        assertThat(b.countsConnections()).isEqualTo(name.equals("least-conn"));
    }

    /** The VIPs' way: each snapshot's balancer built afresh over the service's own cursor. */
    @Test
    void balancersBuiltOverOneCursorTakeTurnsFromWhereTheLastLeftOff() {
        AtomicLong cursor = new AtomicLong();
        BackendSet three = TestBackends.equal(3);
        int size = BalancerFactory.DEFAULT_MAGLEV_TABLE_SIZE;
        assertThat(BalancerFactory.of("rr", three, size, new ActiveConnections(), cursor).pick(0).id())
                .isEqualTo("task-000");
        assertThat(BalancerFactory.of("rr", three, size, new ActiveConnections(), cursor).pick(0).id())
                .isEqualTo("task-001");
        // least-conn's ties rotate on it too.
        assertThat(BalancerFactory.of("least-conn", three, size, new ActiveConnections(), cursor).pick(0).id())
                .isEqualTo("task-002");
        assertThat(cursor.get()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "RR", "round-robin", "leastconn", "maglev "})
    void badNamesGiveOneLineWithTheValidOnes(String name) {
        assertThatThrownBy(() -> BalancerFactory.of(name, BackendSet.EMPTY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown balancing algorithm \"" + name + "\" (valid: rr, least-conn, maglev)");
    }

    @Test
    void nullNameIsRefusedTheSameWay() {
        assertThatThrownBy(() -> BalancerFactory.of(null, BackendSet.EMPTY))
                .hasMessage("unknown balancing algorithm \"null\" (valid: rr, least-conn, maglev)");
    }

    @ParameterizedTest
    @ValueSource(ints = {65_536, 65_541, 100_000, 65_521, 16_777_259, 0, -65_537})
    void nonPrimeOrOutOfRangeTableSizesGiveOneLine(int size) {
        assertThatThrownBy(() -> BalancerFactory.of("maglev", TestBackends.equal(2), size, new ActiveConnections()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maglev table size must be a prime between 65537 and 16777216, got " + size);
    }

    @ParameterizedTest
    @ValueSource(ints = {65_537, 65_539, 65_543, 131_071})
    void largerPrimesAreAccepted(int size) {
        assertThat(BalancerFactory.checkMaglevTableSize(size)).isEqualTo(size);
        MaglevBalancer b = (MaglevBalancer) BalancerFactory.of("maglev", TestBackends.equal(3), size,
                new ActiveConnections());
        assertThat(b.tableSize()).isEqualTo(size);
    }

    @Test
    void primalityAgreesWithBigInteger() {
        for (int n = -3; n < 20_000; n++) {
            assertThat(MaglevTable.isPrime(n)).as("%d", n)
                    .isEqualTo(n > 1 && BigInteger.valueOf(n).isProbablePrime(60));
        }
    }
}
