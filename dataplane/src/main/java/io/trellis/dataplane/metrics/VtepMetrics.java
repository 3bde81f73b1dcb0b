package io.trellis.dataplane.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.switching.VtepCounters;
import java.util.concurrent.atomic.LongAdder;

/**
 * One VTEP socket's node-level drops (docs/metrics.md), read when scraped:
 * {@code trellis_vtep_drops_total{reason}} with {@code malformed} (no valid VXLAN header),
 * {@code unknown_vni} and {@code unknown_peer} (plain VXLAN from an underlay address that is no
 * remote VTEP of any network: counted here, not per network, because its VNI is the sender's choice).
 */
public final class VtepMetrics implements MeterBinder {
    private static final String DROPS = "VXLAN datagrams the VTEP dropped before any network took them, by reason";

    private final VtepCounters counters;

    public VtepMetrics(VtepCounters counters) {
        this.counters = counters;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        drop(registry, DropReason.MALFORMED.label(), counters.malformed);
        drop(registry, DropReason.UNKNOWN_VNI.label(), counters.unknownVni);
        drop(registry, DropReason.UNKNOWN_PEER.label(), counters.unknownPeer);
    }

    private static void drop(MeterRegistry registry, String reason, LongAdder adder) {
        FunctionCounter.builder("trellis.vtep.drops", adder, LongAdder::sum).tag("reason", reason)
                .description(DROPS).register(registry);
    }
}
