package io.trellis.dataplane.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.NetworkCounters;
import java.util.concurrent.atomic.LongAdder;

/**
 * One overlay network's data-plane counters as Prometheus counters, read when scraped (the switch
 * only increments its {@code LongAdder}s):
 * {@code trellis_overlay_packets_total{network,direction}} and {@code trellis_overlay_bytes_total}
 * with direction {@code from_ports} (frames from local TAPs), {@code to_ports}, {@code to_vtep}
 * (encapsulated towards remote VTEPs), {@code from_vtep}; {@code trellis_overlay_drops_total{network,reason}}
 * by {@link DropReason}; {@code trellis_overlay_arp_replies_total{network}} (the ARP proxy).
 */
public final class NetworkMetrics implements MeterBinder {
    private static final String PACKETS = "Frames through the overlay switch, by direction";
    private static final String BYTES = "Octets through the overlay switch, by direction";

    private final String network;
    private final NetworkCounters counters;

    public NetworkMetrics(String network, NetworkCounters counters) {
        this.network = network;
        this.counters = counters;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        traffic(registry, "from_ports", counters.fromPortsPackets, counters.fromPortsBytes);
        traffic(registry, "to_ports", counters.toPortsPackets, counters.toPortsBytes);
        traffic(registry, "to_vtep", counters.toVtepPackets, counters.toVtepBytes);
        traffic(registry, "from_vtep", counters.fromVtepPackets, counters.fromVtepBytes);
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("trellis.overlay.drops", counters, c -> c.drops(reason))
                    .tag("network", network).tag("reason", reason.label())
                    .description("Frames and datagrams the overlay dropped, by reason")
                    .register(registry);
        }
        FunctionCounter.builder("trellis.overlay.arp.replies", counters.arpReplies, LongAdder::sum)
                .tag("network", network).description("ARP requests answered by the switch's ARP proxy")
                .register(registry);
        FunctionCounter.builder("trellis.overlay.nat.superseded", counters.natSuperseded, LongAdder::sum)
                .tag("network", network)
                .description("VIP flows ended because the client reused their ports for a direct flow to the backend")
                .register(registry);
    }

    private void traffic(MeterRegistry registry, String direction, LongAdder packets, LongAdder bytes) {
        FunctionCounter.builder("trellis.overlay.packets", packets, LongAdder::sum)
                .tag("network", network).tag("direction", direction).description(PACKETS).register(registry);
        FunctionCounter.builder("trellis.overlay.bytes", bytes, LongAdder::sum)
                .tag("network", network).tag("direction", direction).description(BYTES).register(registry);
    }
}
