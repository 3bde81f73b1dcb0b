package io.trellis.dataplane.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.dataplane.balance.ActiveConnections;
import io.trellis.dataplane.balance.Backend;
import io.trellis.dataplane.balance.BackendSet;
import io.trellis.dataplane.balance.BalancerFactory;
import io.trellis.vxlan.IpProtocol;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The connection table tells a flow's gauge it opened when the entry is inserted and closed exactly
 * once, however the flow ends: a FIN or RST, removal, replacement by a flow on its ports, expiry.
 * A second open flow on the same backend shows that no end is counted twice (counts never go below
 * zero, so a double close would show only there).
 */
class ConnectionGaugeTest {
    static final int VNI = 100;
    static final int CLIENT = 0x0A_00_00_02;
    static final int VIP = 0x0A_00_00_64;
    static final int BACKEND = 0x0A_00_00_03;
    static final Backend TASK = new Backend("t1", new InetSocketAddress("10.0.0.3", 0));

    final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    final Conntrack table = new Conntrack(ConntrackSettings.DEFAULT.withCapacity(64, 1), nanos::get);
    final ActiveConnections open = new ActiveConnections();
    final ConnectionGauge gauge = new ConnectionGauge(BalancerFactory.of("least-conn", BackendSet.of(TASK),
            BalancerFactory.DEFAULT_MAGLEV_TABLE_SIZE, open), TASK);

    private static FlowKey flow(int clientPort) {
        return new FlowKey().set(VNI, IpProtocol.TCP_NUMBER, CLIENT, clientPort, 80).vip(VIP).backend(BACKEND);
    }

    private boolean insert(int clientPort) {
        return table.insert(flow(clientPort), Conntrack.TCP_HALF_OPEN, table.now(), gauge);
    }

    private int active() {
        return open.active(TASK.id());
    }

    @Test
    void aFlowCountsFromItsInsertToItsFirstFinOrRst() {
        assertThat(insert(1000)).isTrue();
        assertThat(insert(1001)).isTrue();
        assertThat(active()).isEqualTo(2);
        table.transition(flow(1000), Conntrack.TCP_HALF_OPEN, Conntrack.TCP_ESTABLISHED, table.now());
        assertThat(active()).isEqualTo(2);
        table.transition(flow(1000), Conntrack.TCP_ESTABLISHED, Conntrack.TCP_CLOSING, table.now());
        assertThat(active()).isEqualTo(1);
        // The closing tail's end is no second close.
        table.remove(flow(1000));
        assertThat(active()).isEqualTo(1);
        table.remove(flow(1001));
        assertThat(active()).isZero();
    }

    @Test
    void aFlowReplacedByOneOnItsPortsClosesOnce() {
        assertThat(insert(1000)).isTrue();
        assertThat(insert(1000)).isTrue(); // the client reused its port: the new flow replaces the entry
        assertThat(active()).isEqualTo(1);
        assertThat(table.size()).isEqualTo(1);
        // The same client port to another VIP on the same backend takes the reply side over.
        FlowKey other = new FlowKey().set(VNI, IpProtocol.TCP_NUMBER, CLIENT, 1000, 80).vip(VIP + 1).backend(BACKEND);
        assertThat(table.insert(other, Conntrack.TCP_HALF_OPEN, table.now(), gauge)).isTrue();
        assertThat(active()).isEqualTo(1);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void anExpiredFlowClosesWhenSwept() {
        assertThat(insert(1000)).isTrue();
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(insert(1001)).isTrue();
        nanos.addAndGet(Duration.ofSeconds(31).toNanos()); // the first is past the 60 s half-open timeout
        assertThat(active()).isEqualTo(2);
        assertThat(table.sweep()).isEqualTo(1);
        assertThat(active()).isEqualTo(1);
    }

    @Test
    void aFlowTheFullTableRefusesNeverCounts() {
        for (int p = 0; p < 64; p++) {
            assertThat(insert(2000 + p)).isTrue();
        }
        assertThat(insert(3000)).isFalse();
        assertThat(active()).isEqualTo(64);
    }

    @Test
    void flowsWithoutAGaugeCountNothing() {
        assertThat(table.insert(flow(1000), Conntrack.TCP_HALF_OPEN, table.now())).isTrue();
        assertThat(insert(1001)).isTrue();
        table.remove(flow(1000));
        assertThat(active()).isEqualTo(1);
    }
}
