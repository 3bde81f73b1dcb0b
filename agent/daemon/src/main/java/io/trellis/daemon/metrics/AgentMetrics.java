package io.trellis.daemon.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.TaskState;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The agent's Prometheus registry: JVM and process meters plus Trellis's own ({@code trellis_*});
 * {@code /metrics} serves {@link #scrape()}. docs/metrics.md lists every name.
 */
public final class AgentMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public AgentMetrics(String version) {
        PrometheusNames.apply(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("trellis.info", () -> 1).tag("version", version)
                .description("Always 1; the version label says what runs").register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** {@code trellis_tasks{state}}: tasks the cluster store knows, by current state (0 on non-managers). */
    public void bindTasks(Supplier<ClusterSnapshot> view) {
        for (TaskState s : TaskState.values()) {
            if (s == TaskState.REMOVE) {
                continue; // a desired state only
            }
            Gauge.builder("trellis.tasks", () -> count(view.get(), s))
                    .tag("state", s.name().toLowerCase(Locale.ROOT))
                    .description("Tasks in the cluster store by current state")
                    .register(registry);
        }
    }

    /** Nodes in the cluster store by role and status (managers; 0 elsewhere): alert on {@code status="down"}. */
    public void bindNodes(Supplier<ClusterSnapshot> view) {
        for (Node.Role role : Node.Role.values()) {
            for (Node.Status status : Node.Status.values()) {
                Gauge.builder("trellis.nodes", () -> {
                    ClusterSnapshot snap = view.get();
                    return snap == null ? 0 : snap.nodes().values().stream()
                            .filter(n -> n.role() == role && n.status() == status).count();
                })
                        .tag("role", role.name().toLowerCase(Locale.ROOT))
                        .tag("status", status.name().toLowerCase(Locale.ROOT))
                        .description("Nodes in the cluster store by role and status")
                        .register(registry);
            }
        }
    }

    private static long count(ClusterSnapshot snap, TaskState s) {
        return snap == null ? 0 : snap.tasks().values().stream().filter(t -> t.status().state() == s).count();
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
