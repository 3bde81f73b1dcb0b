package io.trellis.dataplane.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.trellis.dataplane.secure.EspVtepCounters;
import io.trellis.ipsec.esp.EspCounters;
import io.trellis.ipsec.esp.InboundResult;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * ESP counters of one ESP socket as Prometheus counters (docs/metrics.md): read when scraped, so the
 * data plane only increments its {@code LongAdder}s (counters, not logs: nothing per packet but an add).
 *
 * <ul>
 * <li>{@code trellis_esp_drops_total{reason}}: inbound packets dropped, by
 * {@link InboundResult#label()} ({@code truncated}, {@code bad_spi}, {@code replayed},
 * {@code too_old}, {@code auth_failed}, {@code malformed_trailer}) and, for authentic packets that
 * still may not enter the overlay, {@code not_udp}, {@code inner_malformed}, {@code wrong_network};
 * <li>{@code trellis_esp_send_drops_total{reason}}: {@code no_key}, {@code queue_full},
 * {@code send_failed}, {@code sequence_exhausted};
 * <li>{@code trellis_esp_packets_total{direction="encrypted|decrypted"}} and
 * {@code trellis_esp_bytes_total{direction}} (payload octets).
 * </ul>
 *
 * {@code extraTags} tell several ESP sockets apart (none for the standalone tunnel).
 */
public final class EspMetrics implements MeterBinder {
    private final EspCounters counters;
    private final EspVtepCounters drops;
    private final Tags extraTags;

    public EspMetrics(EspCounters counters, EspVtepCounters drops, Tags extraTags) {
        this.counters = counters;
        this.drops = drops;
        this.extraTags = extraTags;
    }

    private static final String DROPS = "Inbound ESP packets dropped, by reason";
    private static final String SEND_DROPS = "Outbound datagrams of encrypted networks dropped, by reason";
    private static final String PACKETS = "ESP packets encrypted and decrypted (authentic, fresh, well-formed)";
    private static final String BYTES = "Payload octets of the ESP packets encrypted and decrypted";

    @Override
    public void bindTo(MeterRegistry registry) {
        for (InboundResult r : InboundResult.values()) {
            if (r != InboundResult.OK) {
                counter(registry, "trellis.esp.drops", "reason", r.label(), counters, c -> c.drops(r), DROPS);
            }
        }
        adder(registry, "trellis.esp.drops", "not_udp", drops.notUdp, DROPS);
        adder(registry, "trellis.esp.drops", "inner_malformed", drops.innerMalformed, DROPS);
        adder(registry, "trellis.esp.drops", "wrong_network", drops.wrongNetwork, DROPS);
        adder(registry, "trellis.esp.send.drops", "no_key", drops.noKey, SEND_DROPS);
        adder(registry, "trellis.esp.send.drops", "queue_full", drops.queueFull, SEND_DROPS);
        adder(registry, "trellis.esp.send.drops", "send_failed", drops.sendFailed, SEND_DROPS);
        counter(registry, "trellis.esp.send.drops", "reason", "sequence_exhausted", counters,
                EspCounters::sequenceExhausted, SEND_DROPS);
        counter(registry, "trellis.esp.packets", "direction", "encrypted", counters, EspCounters::packetsEncrypted, PACKETS);
        counter(registry, "trellis.esp.packets", "direction", "decrypted", counters, EspCounters::packetsDecrypted, PACKETS);
        counter(registry, "trellis.esp.bytes", "direction", "encrypted", counters, EspCounters::bytesEncrypted, BYTES);
        counter(registry, "trellis.esp.bytes", "direction", "decrypted", counters, EspCounters::bytesDecrypted, BYTES);
    }

    private void adder(MeterRegistry registry, String name, String reason, LongAdder adder, String description) {
        counter(registry, name, "reason", reason, adder, LongAdder::sum, description);
    }

    private <T> void counter(MeterRegistry registry, String name, String key, String value, T source,
                             ToDoubleFunction<T> read, String description) {
        FunctionCounter.builder(name, source, read).tags(extraTags).tag(key, value)
                .description(description).register(registry);
    }
}
