package io.trellis.tunnel;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trellis.admin.AdminResponse;
import io.trellis.admin.AdminServer;
import io.trellis.admin.Router;
import io.trellis.api.client.AdminHost;
import io.trellis.dataplane.metrics.EspMetrics;
import io.trellis.dataplane.metrics.NetworkMetrics;
import io.trellis.dataplane.metrics.VtepMetrics;
import io.trellis.dataplane.tunnel.PointToPointTunnel;
import java.io.IOException;

/**
 * {@code vxlan-tunnel --metrics-addr HOST:PORT}: the tunnel's ESP counters on {@code /metrics}, served
 * by the agent's admin HTTP server (TCP only, no other route).
 */
final class TunnelMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final AdminServer server;

    private TunnelMetrics(PrometheusMeterRegistry registry, AdminServer server) {
        this.registry = registry;
        this.server = server;
    }

    static TunnelMetrics serve(String hostPort, PointToPointTunnel tunnel) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new NetworkMetrics("tunnel", tunnel.counters()).bindTo(registry);
        new VtepMetrics(tunnel.vtepCounters()).bindTo(registry);
        if (tunnel.esp() != null) {
            new EspMetrics(tunnel.esp().counters(), tunnel.esp().drops(), Tags.empty()).bindTo(registry);
        }
        Router router = new Router().get("/metrics", req -> AdminResponse.text(200, registry.scrape()));
        try {
            return new TunnelMetrics(registry, AdminServer.startMetrics(hostPort, router));
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** Where it listens, with the port the kernel chose for port 0. */
    String address() {
        AdminHost.Tcp tcp = (AdminHost.Tcp) server.boundHosts().get(0);
        return tcp.host() + ":" + tcp.port();
    }

    @Override
    public void close() {
        server.close();
        registry.close();
    }
}
