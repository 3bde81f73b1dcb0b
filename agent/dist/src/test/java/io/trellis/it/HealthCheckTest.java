package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.NodeView;
import io.trellis.api.TaskView;
import io.trellis.testing.agent.AgentCli;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A health check run inside a real task: healthy while its file exists, then unhealthy, and the task is replaced;
 * resources reported by the node and reservations judged against them.
 */
@Tag("netns")
class HealthCheckTest extends SwarmOfOneTest {
    private List<TaskView> tasks(String service) {
        return Json.read(cli.ok("service", "ps", service, "--format", "json").getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<TaskView>>() { });
    }

    @Test
    void aTaskIsHealthyThenUnhealthyAndIsReplaced() {
        String ok = "/tmp/trellis-health-" + UUID.randomUUID(); // the task's /tmp may be the host's: one file per run
        // No restart delay: the unhealthy task is replaced at once (the default waits Docker's 5 s).
        cli.ok("service", "create", "-d", "--name", "web", "--health-cmd", "test -f " + ok, "--health-interval",
                "200ms", "--health-retries", "2", "--restart-delay", "0s", "img", "sh", "-c", "touch " + ok
                        + "; sleep 3; rm " + ok + "; sleep 600");

        await().atMost(Duration.ofSeconds(20)).until(() -> tasks("web").stream()
                .anyMatch(t -> t.state().equals("Running") && t.health().status().equals("healthy")));
        TaskView first = tasks("web").get(0);
        assertThat(first.health().log()).isNotEmpty().allSatisfy(r -> assertThat(r.exitCode()).isZero());
        assertThat(cli.ok("service", "ps", "web")).containsPattern("Running \\(healthy\\)");
        assertThat(cli.ok("service", "ls")).containsPattern("web\\s+replicated\\s+1/1");

        await().atMost(Duration.ofSeconds(20)).until(() -> tasks("web").stream()
                .anyMatch(t -> t.id().equals(first.id()) && t.state().equals("Failed")));
        TaskView failed = tasks("web").stream().filter(t -> t.id().equals(first.id())).findFirst().orElseThrow();
        assertThat(failed.error()).startsWith("unhealthy container");
        assertThat(failed.health().status()).isEqualTo("unhealthy");
        assertThat(failed.health().failingStreak()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> tasks("web").stream()
                .anyMatch(t -> !t.id().equals(first.id()) && t.desiredState().equals("Running")
                        && t.health().status().equals("healthy")));
    }

    @Test
    void reservationsAreJudgedAgainstTheNodesResources() {
        NodeView self = Json.read(cli.ok("node", "inspect", "self").getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<NodeView>>() { }).get(0);
        assertThat(self.resources().nanoCpus()).isEqualTo(Runtime.getRuntime().availableProcessors() * 1_000_000_000L);
        assertThat(self.resources().memoryBytes()).isPositive();
        assertThat(cli.ok("node", "inspect", "--pretty", "self")).containsPattern("(?m)^ CPUs:\\s+\\d+$");

        AgentCli.Result refused = cli.run("service", "create", "-d", "--name", "big", "--reserve-cpu", "100000",
                "img", "sleep", "600");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err().strip()).startsWith("error: no node can reserve --reserve-cpu 100000:").doesNotContain("\n");
        AgentCli.Result bad = cli.run("service", "create", "-d", "--name", "bad", "--health-cmd", "true",
                "--health-interval", "0s", "img", "sleep", "600");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err().strip()).isEqualTo("error: invalid --health-interval \"0s\": must be at least 1ms");
        assertThat(cli.ok("service", "ls")).doesNotContain("big").doesNotContain("bad");

        cli.ok("service", "create", "-d", "--name", "half", "--reserve-cpu", cpus(self, 0.6), "--replicas", "2",
                "img", "sleep", "600");
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            List<TaskView> half = tasks("half");
            return half.stream().filter(t -> t.state().equals("Running")).count() == 1 && half.stream()
                    .anyMatch(t -> t.error().equals("no suitable node (insufficient resources on 1 node)"));
        });
    }

    /** A share of the node's CPUs, as --reserve-cpu takes it. */
    private static String cpus(NodeView node, double share) {
        return BigDecimal.valueOf(node.resources().nanoCpus() * share / 1e9).setScale(3, RoundingMode.DOWN)
                .toPlainString();
    }
}
