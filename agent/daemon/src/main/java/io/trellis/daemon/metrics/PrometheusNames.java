package io.trellis.daemon.metrics;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.ManagementFactory;

/**
 * Two of Micrometer's process meters as Prometheus names them, so {@code promtool check metrics}
 * has nothing to say about the agent's {@code /metrics}: the CPU time counter in seconds
 * ({@code process_cpu_seconds_total}, the name Prometheus's own client uses, instead of
 * {@code process_cpu_time_ns_total}: no abbreviated units), and the CPU count as
 * {@code system_cpus} ({@code _count} is a histogram's or summary's suffix).
 */
final class PrometheusNames {
    private PrometheusNames() {
    }

    /** Call before any meter is bound: filters apply to meters registered after them. */
    static void apply(MeterRegistry registry) {
        registry.config()
                .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
                    }
                });
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                && os.getProcessCpuTime() >= 0) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
                    .baseUnit("seconds")
                    .description("CPU time this process used")
                    .register(registry);
        }
    }
}
