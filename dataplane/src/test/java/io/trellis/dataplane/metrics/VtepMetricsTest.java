package io.trellis.dataplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trellis.dataplane.switching.VtepCounters;
import org.junit.jupiter.api.Test;

class VtepMetricsTest {

    @Test
    void scrapesTheVtepDropsByReason() {
        VtepCounters counters = new VtepCounters();
        counters.unknownPeer.add(3);
        counters.malformed.increment();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new VtepMetrics(counters).bindTo(registry);

        String text = registry.scrape();
        assertThat(text).contains("trellis_vtep_drops_total{reason=\"unknown_peer\"} 3.0");
        assertThat(text).contains("trellis_vtep_drops_total{reason=\"malformed\"} 1.0");
        assertThat(text).contains("trellis_vtep_drops_total{reason=\"unknown_vni\"} 0.0");
        registry.close();
    }
}
