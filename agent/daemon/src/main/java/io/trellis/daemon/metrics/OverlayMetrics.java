package io.trellis.daemon.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.trellis.daemon.network.NetworkAgent;
import io.trellis.dataplane.dns.DnsResult;
import io.trellis.dataplane.dns.EmbeddedDns;
import io.trellis.dataplane.metrics.EspMetrics;
import io.trellis.dataplane.metrics.NetworkMetrics;
import io.trellis.dataplane.metrics.VtepMetrics;
import io.trellis.dataplane.overlay.OverlayDataplane;
import io.trellis.dataplane.secure.EspVtep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's overlay on {@code /metrics}: per network the switch counters
 * ({@code trellis_overlay_*{network}}), the VTEP's and the ESP socket's counters once they exist,
 * {@code trellis_vip_backends{service,network}}, {@code trellis_conntrack_entries} and
 * {@code trellis_dns_queries_total{result}} once the embedded DNS serves a task. Networks are
 * bound when the node joins them and their meters removed when it leaves. On the kernel data path
 * only the DNS counters exist: the kernel switches the frames and keeps no counters of ours. Called
 * by the {@link NetworkAgent} after each change it programmed.
 */
public final class OverlayMetrics {
    private final MeterRegistry registry;
    private final Map<String, String> bound = new HashMap<>();
    private final MultiGauge backends;
    private boolean vtepBound;
    private boolean espBound;
    private boolean tablesBound;
    private boolean dnsBound;

    public OverlayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.backends = MultiGauge.builder("trellis.vip.backends")
                .description("Running backends of each VIP on this node's tables").register(registry);
    }

    /** Brings the meters in line with what the agent now programs. */
    public synchronized void update(NetworkAgent agent) {
        EmbeddedDns dns = agent.dnsIfStarted();
        if (dns != null && !dnsBound) {
            for (DnsResult r : DnsResult.values()) {
                FunctionCounter.builder("trellis.dns.queries", dns.counters().adder(r), LongAdder::sum)
                        .tag("result", r.label())
                        .description("Queries to the embedded DNS of this node's tasks, by result").register(registry);
            }
            dnsBound = true;
        }
        OverlayDataplane dp = agent.dataplaneIfStarted();
        if (dp == null) {
            return; // not started yet, or the kernel path: no user-space switch, so no switch counters
        }
        Map<String, String> names = agent.networkNames();
        for (Map.Entry<String, String> e : names.entrySet()) {
            if (!bound.containsKey(e.getKey())) {
                new NetworkMetrics(e.getValue(), dp.counters(e.getKey())).bindTo(registry);
                bound.put(e.getKey(), e.getValue());
            }
        }
        for (String id : List.copyOf(bound.keySet())) {
            if (!names.containsKey(id)) {
                removeNetwork(bound.remove(id));
            }
        }
        if (!vtepBound) {
            new VtepMetrics(dp.vtep().counters()).bindTo(registry);
            vtepBound = true;
        }
        EspVtep esp = dp.esp();
        if (esp != null && !espBound) {
            new EspMetrics(esp.counters(), esp.drops(), Tags.empty()).bindTo(registry);
            espBound = true;
        }
        if (!tablesBound) {
            Gauge.builder("trellis.conntrack.entries", agent, a -> {
                OverlayDataplane d = a.dataplaneIfStarted();
                return d == null ? 0 : d.conntrackEntries();
            }).description("Flows the VIP load balancer tracks on this node").register(registry);
            tablesBound = true;
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        dp.vipStats().forEach(v -> rows.add(MultiGauge.Row.of(
                Tags.of("service", v.serviceName(), "network", names.getOrDefault(v.networkId(), v.networkId())),
                v.backends().size())));
        backends.register(rows, true);
    }

    private void removeNetwork(String name) {
        for (Meter m : List.copyOf(registry.getMeters())) {
            if (m.getId().getName().startsWith("trellis.overlay.") && name.equals(m.getId().getTag("network"))) {
                registry.remove(m);
            }
        }
    }
}
