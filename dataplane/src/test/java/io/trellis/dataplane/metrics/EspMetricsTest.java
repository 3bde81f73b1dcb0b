package io.trellis.dataplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.dataplane.secure.EspVtepCounters;
import io.trellis.ipsec.esp.EspCounters;
import io.trellis.ipsec.esp.EspInbound;
import io.trellis.ipsec.esp.EspOutbound;
import io.trellis.ipsec.keyring.KeyRing;
import io.trellis.ipsec.keyring.MasterKey;
import org.junit.jupiter.api.Test;

class EspMetricsTest {
    @Test
    void exportsDropsByReasonAndTraffic() {
        EspCounters counters = new EspCounters();
        EspVtepCounters drops = new EspVtepCounters();
        MasterKey key = MasterKey.of(new byte[16]);
        KeyRing sender = new KeyRing("a");
        sender.addPeer("b");
        sender.update(java.util.List.of(key));
        KeyRing receiver = new KeyRing("b");
        receiver.addPeer("a");
        receiver.update(java.util.List.of(key));
        ByteBuf buf = Unpooled.buffer(128);
        try {
            int n = new EspOutbound(counters).encrypt(sender.outbound("b"), buf, 16, 40, 17);
            EspInbound in = new EspInbound(receiver, counters);
            byte[] copy = new byte[n];
            buf.getBytes(0, copy);
            in.decrypt(buf, 0, n);                                 // ok
            in.decrypt(Unpooled.wrappedBuffer(copy), 0, n);        // replayed
            in.decrypt(Unpooled.wrappedBuffer(new byte[10]), 0, 10); // truncated
        } finally {
            buf.release();
        }
        drops.wrongNetwork.increment();
        drops.noKey.add(3);

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new EspMetrics(counters, drops, Tags.empty()).bindTo(registry);
        String text = registry.scrape();
        assertThat(text)
                .contains("trellis_esp_drops_total{reason=\"replayed\"} 1.0")
                .contains("trellis_esp_drops_total{reason=\"truncated\"} 1.0")
                .contains("trellis_esp_drops_total{reason=\"auth_failed\"} 0.0")
                .contains("trellis_esp_drops_total{reason=\"wrong_network\"} 1.0")
                .contains("trellis_esp_send_drops_total{reason=\"no_key\"} 3.0")
                .contains("trellis_esp_packets_total{direction=\"encrypted\"} 1.0")
                .contains("trellis_esp_packets_total{direction=\"decrypted\"} 1.0")
                .contains("trellis_esp_bytes_total{direction=\"decrypted\"} 40.0");
        registry.close();
    }
}
