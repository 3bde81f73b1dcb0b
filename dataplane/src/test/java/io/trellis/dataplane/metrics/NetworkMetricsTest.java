package io.trellis.dataplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trellis.dataplane.DropReason;
import io.trellis.dataplane.NetworkCounters;
import org.junit.jupiter.api.Test;

class NetworkMetricsTest {

    @Test
    void scrapesTheSwitchCountersByDirectionAndDropReason() {
        NetworkCounters counters = new NetworkCounters();
        counters.toVtepPackets.add(3);
        counters.toVtepBytes.add(4200);
        counters.drop(DropReason.values()[0]);
        counters.drop(DropReason.values()[0]);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new NetworkMetrics("web-net", counters).bindTo(registry);

        String text = registry.scrape();
        assertThat(text).contains("trellis_overlay_packets_total{direction=\"to_vtep\",network=\"web-net\"} 3.0");
        assertThat(text).contains("trellis_overlay_bytes_total{direction=\"to_vtep\",network=\"web-net\"} 4200.0");
        assertThat(text).contains("trellis_overlay_drops_total{network=\"web-net\",reason=\""
                + DropReason.values()[0].label() + "\"} 2.0");
        assertThat(text).contains("trellis_overlay_arp_replies_total{network=\"web-net\"} 0.0");
        registry.close();
    }
}
