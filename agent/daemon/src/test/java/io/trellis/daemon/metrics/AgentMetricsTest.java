package io.trellis.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {

    @Test
    void processMetersUsePrometheusNames() {
        try (AgentMetrics metrics = new AgentMetrics("test")) {
            String text = metrics.scrape();
            assertThat(text).contains("# TYPE process_cpu_seconds_total counter")
                    .containsPattern("(?m)^system_cpus [1-9]")
                    .containsPattern("(?m)^trellis_info\\{version=\"test\"\\} 1$")
                    .doesNotContain("process_cpu_time_ns_total")
                    .doesNotContain("system_cpu_count");
        }
    }

    /** promtool is Prometheus's own linter; the machine may not have it. */
    @Test
    void promtoolFindsNothingToReport() throws Exception {
        Process promtool;
        try {
            promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("promtool not installed (apt-get install prometheus)");
            return;
        }
        try (AgentMetrics metrics = new AgentMetrics("test")) {
            try (OutputStream in = promtool.getOutputStream()) {
                in.write(metrics.scrape().getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String report = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(report).isEmpty();
        assertThat(promtool.exitValue()).isZero();
    }
}
