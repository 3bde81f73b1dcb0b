package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.trellis.api.Json;
import io.trellis.api.TaskView;
import io.trellis.testing.agent.AgentCli;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A service's restart policy with real tasks: on-failure leaves a task that exits 0 alone, and a task that keeps
 * exiting 3 is restarted exactly {@code --restart-max-attempts} times.
 */
@Tag("netns")
class RestartPolicyTest extends SwarmOfOneTest {
    private List<TaskView> tasks(String service) {
        return Json.read(cli.ok("service", "ps", service, "--format", "json").getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<TaskView>>() { });
    }

    @Test
    void onFailureDoesNotRestartATaskThatCompleted() {
        cli.ok("service", "create", "-d", "--name", "once", "--restart-condition", "on-failure", "--restart-delay",
                "200ms", "img", "sh", "-c", "exit 0");

        await().atMost(Duration.ofSeconds(20)).until(() -> tasks("once").stream()
                .anyMatch(t -> t.state().equals("Complete") && t.desiredState().equals("Shutdown")));
        // Well past the delay (and the back-off), the slot still holds only the completed task.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> tasks("once").size() == 1);
        assertThat(cli.ok("service", "ls")).containsPattern("once\\s+replicated\\s+0/1");

        JsonNode spec = Json.read(cli.ok("service", "inspect", "once").getBytes(StandardCharsets.UTF_8),
                JsonNode.class).get(0).path("spec");
        assertThat(spec.path("restartPolicy").path("condition").asText()).isEqualTo("ON_FAILURE");
        assertThat(spec.path("restartPolicy").path("delayMillis").asLong()).isEqualTo(200);
    }

    @Test
    void aFailingTaskIsRestartedMaxAttemptsTimesAndNoMore() {
        cli.ok("service", "create", "-d", "--name", "crash", "--restart-condition", "on-failure", "--restart-delay",
                "200ms", "--restart-max-attempts", "2", "--stop-grace-period", "3s", "img", "sh", "-c", "exit 3");

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<TaskView> all = tasks("crash");
            return all.size() == 3 && all.stream().allMatch(t -> t.state().equals("Failed"));
        });
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> tasks("crash").size() == 3);
        List<TaskView> all = tasks("crash");
        assertThat(all).allSatisfy(t -> assertThat(t.error()).isEqualTo("task: non-zero exit (3)"));
        assertThat(all).anySatisfy(t -> assertThat(t.message()).endsWith("not restarted: 2 restart attempts reached"));

        JsonNode spec = Json.read(cli.ok("service", "inspect", "crash").getBytes(StandardCharsets.UTF_8),
                JsonNode.class).get(0).path("spec");
        assertThat(spec.path("container").path("stopGracePeriodMillis").asLong()).isEqualTo(3_000);
    }

    @Test
    void badRestartFlagsAreOneLine() {
        AgentCli.Result r = cli.run("service", "create", "-d", "--name", "bad", "--restart-condition", "always", "img",
                "true");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).contains("invalid --restart-condition \"always\": use none, on-failure or any")
                .doesNotContain("\n");
        assertThat(cli.run("service", "create", "-d", "--name", "bad", "--stop-grace-period", "soon", "img", "true")
                .err()).contains("invalid --stop-grace-period \"soon\"");
        assertThat(cli.ok("service", "ls")).doesNotContain("bad");
    }
}
