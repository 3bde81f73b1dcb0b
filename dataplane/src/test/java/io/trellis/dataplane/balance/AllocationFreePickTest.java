package io.trellis.dataplane.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.testing.AllocationMeter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Picks run on the proxy's event loops per new flow: no garbage. */
class AllocationFreePickTest {
    private static volatile Backend sink;

    @ParameterizedTest
    @ValueSource(strings = {"rr", "least-conn", "maglev"})
    void pickRetryAndAccountingAllocateNothing(String name) {
        Balancer b = BalancerFactory.of(name, TestBackends.weighted(1, 2, 3, 1, 2, 3, 1, 2));
        Backend failed = b.backends().get(2);
        long[] h = {1};
        AllocationMeter.Result r = new AllocationMeter().measure(50_000, 200_000, () -> {
            long flow = h[0]++ * 0x9E3779B97F4A7C15L;
            Backend picked = b.pick(flow);
            b.opened(picked);
            sink = b.pickExcluding(flow, failed);
            b.closed(picked);
        });
        assertThat(sink).isNotNull();
        // Less than 1 KiB over 200,000 flows.
        assertThat(r.bytesPerOp()).as("%s: %s", name, r).isLessThan(0.005);
    }
}
