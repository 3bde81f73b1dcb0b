package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.HealthView;
import io.trellis.api.NodeView;
import io.trellis.api.TaskView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code service ps} shows health as Docker shows a container's; {@code node inspect --pretty} the resources. */
class HealthTextTest {

    private static TaskView task(String state, HealthView health) {
        return new TaskView("t1", "web.1", "s1", "web", 1, "img", List.of(), "n1", "node1", "Running", state, 0, "",
                "", -1, 0, 0, List.of(), health);
    }

    @Test
    void theStateCarriesTheHealth() {
        assertThat(HealthText.state(task("Running", new HealthView("healthy", 0, List.of()))))
                .isEqualTo("Running (healthy)");
        assertThat(HealthText.state(task("Starting", new HealthView("starting", 0, List.of()))))
                .isEqualTo("Starting (health: starting)");
        assertThat(HealthText.state(task("Failed", new HealthView("unhealthy", 3, List.of()))))
                .isEqualTo("Failed (unhealthy)");
        assertThat(HealthText.state(task("Running", null))).isEqualTo("Running");
    }

    @Test
    void nodeInspectPrettyShowsResources() {
        NodeView n = new NodeView("n1", "alpha", true, "manager", "Ready", "Active", "Leader", "1", "10.0.0.1",
                Map.of(), 0, 0, new NodeView.Resources(4_000_000_000L, 8_268_193_792L));
        assertThat(NodeCommand.pretty(n)).contains("Resources:\n CPUs:" + " ".repeat(18) + "4\n"
                + " Memory:" + " ".repeat(16) + "7.7GiB\n");
    }
}
