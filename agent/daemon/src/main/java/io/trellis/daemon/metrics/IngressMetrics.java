package io.trellis.daemon.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.trellis.daemon.ingress.IngressAgent;
import io.trellis.ingress.mesh.PortPlan;
import io.trellis.ingress.mesh.PublishedListener;
import io.trellis.ingress.mesh.RoutingMesh;
import io.trellis.ingress.proxy.ConnectFailure;
import io.trellis.ingress.proxy.TcpProxyCounters;
import io.trellis.ingress.proxy.UdpProxyCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The routing mesh on {@code /metrics}, per published port ({@code service}, {@code port} as
 * {@code 8080/tcp}): {@code trellis_ingress_connections_total}, {@code trellis_ingress_active_connections},
 * {@code trellis_ingress_backend_errors_total{reason}} (no backend, refused, timeout, other),
 * {@code trellis_ingress_bytes_total{direction}}, and one histogram of the time to connect to a backend,
 * {@code trellis_ingress_backend_connect_seconds}. A port's series go when it stops listening here.
 */
public final class IngressMetrics {
    private final MeterRegistry registry;
    private final Timer connectLatency;
    private final Map<PublishedListener, List<Meter>> bound = new IdentityHashMap<>();

    public IngressMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.connectLatency = Timer.builder("trellis.ingress.backend.connect")
                .description("Time from starting a backend connection of a published port to its establishment")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(20_000))
                .maximumExpectedValue(Duration.ofSeconds(2))
                .register(registry);
    }

    /** Brings the meters in line with the listeners the mesh now has. */
    public synchronized void update(IngressAgent ingress) {
        RoutingMesh mesh = ingress.meshIfStarted();
        List<PublishedListener> now = mesh == null ? List.of() : mesh.listeners();
        Map<PublishedListener, Boolean> live = new IdentityHashMap<>();
        now.forEach(l -> live.put(l, Boolean.TRUE));
        for (PublishedListener l : new ArrayList<>(bound.keySet())) {
            if (!live.containsKey(l)) {
                bound.remove(l).forEach(registry::remove);
            }
        }
        for (PublishedListener l : now) {
            if (!bound.containsKey(l)) {
                bound.put(l, bind(l));
            }
        }
    }

    private List<Meter> bind(PublishedListener l) {
        PortPlan p = l.plan();
        Tags tags = Tags.of("service", p.serviceName(), "port", p.key());
        List<Meter> meters = new ArrayList<>();
        TcpProxyCounters tcp = l.tcpCounters();
        if (tcp != null) {
            tcp.onConnectLatency(nanos -> connectLatency.record(nanos, TimeUnit.NANOSECONDS));
            meters.add(FunctionCounter.builder("trellis.ingress.connections", tcp, TcpProxyCounters::accepted)
                    .description("Connections a published port accepted").tags(tags).register(registry));
            meters.add(Gauge.builder("trellis.ingress.active.connections", tcp, TcpProxyCounters::active)
                    .description("Connections open now through a published port").tags(tags).register(registry));
            for (ConnectFailure reason : ConnectFailure.values()) {
                meters.add(FunctionCounter.builder("trellis.ingress.backend.errors", tcp,
                                c -> c.connectFailures(reason))
                        .description("Backend connections of a published port that failed, by reason")
                        .tags(tags.and("reason", reason.name().toLowerCase(Locale.ROOT))).register(registry));
            }
            meters.add(bytes(tags, "in", tcp, TcpProxyCounters::bytesFromClients));
            meters.add(bytes(tags, "out", tcp, TcpProxyCounters::bytesFromBackends));
        } else {
            UdpProxyCounters udp = l.udpCounters();
            meters.add(FunctionCounter.builder("trellis.ingress.connections", udp, UdpProxyCounters::flowsCreated)
                    .description("Connections a published port accepted").tags(tags).register(registry));
            meters.add(Gauge.builder("trellis.ingress.active.connections", udp, UdpProxyCounters::activeFlows)
                    .description("Connections open now through a published port").tags(tags).register(registry));
            Map<String, ToDoubleFunction<UdpProxyCounters>> errors = new HashMap<>();
            errors.put("no_backend", UdpProxyCounters::noBackendDrops);
            errors.put("other", UdpProxyCounters::backendErrors);
            errors.forEach((reason, f) -> meters.add(FunctionCounter.builder("trellis.ingress.backend.errors", udp, f)
                    .description("Backend connections of a published port that failed, by reason")
                    .tags(tags.and("reason", reason)).register(registry)));
            meters.add(bytes(tags, "in", udp, UdpProxyCounters::bytesFromClients));
            meters.add(bytes(tags, "out", udp, UdpProxyCounters::bytesFromBackends));
        }
        return meters;
    }

    private <T> Meter bytes(Tags tags, String direction, T counters, ToDoubleFunction<T> f) {
        return FunctionCounter.builder("trellis.ingress.bytes", counters, f)
                .description("Octets through a published port: in from clients, out from backends")
                .tags(tags.and("direction", direction)).register(registry);
    }
}
