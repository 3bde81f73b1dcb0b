package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.ServiceView;
import io.trellis.api.TaskView;
import io.trellis.testing.agent.AgentCli;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code service update} rolls real tasks over one at a time; a bad update rolls itself back. */
@Tag("netns")
class RollingUpdateTest extends SwarmOfOneTest {
    private List<TaskView> tasks(String service) {
        return Json.read(cli.ok("service", "ps", service, "--format", "json").getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<TaskView>>() { });
    }

    private ServiceView inspect(String service) {
        return Json.read(cli.ok("service", "inspect", service).getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<ServiceView>>() { }).get(0);
    }

    @Test
    void anImageUpdateRollsTheTasksAndKeepsTheOldOnesAsHistory() {
        cli.ok("service", "create", "--name", "web", "--replicas", "3", "img:v1", "sleep", "600");

        String out = cli.ok("service", "update", "--image", "img:v2", "--update-monitor", "1s", "web");

        assertThat(out).contains("web: overall progress: 3 out of 3 tasks").endsWith("verify: Service converged\n");
        List<TaskView> tasks = tasks("web");
        assertThat(tasks).filteredOn(t -> t.desiredState().equals("Running"))
                .hasSize(3).allMatch(t -> t.image().equals("img:v2") && t.state().equals("Running"));
        assertThat(tasks).filteredOn(t -> t.image().equals("img:v1"))
                .hasSize(3).allMatch(t -> t.desiredState().equals("Shutdown"));
        await().atMost(Duration.ofSeconds(20)).until(() -> tasks("web").stream()
                .filter(t -> t.image().equals("img:v1")).allMatch(t -> t.state().equals("Shutdown")));
        // One at a time (parallelism 1): each new task was made only once the one before it ran.
        List<TaskView> v2 = tasks.stream().filter(t -> t.image().equals("img:v2"))
                .sorted(Comparator.comparingLong(TaskView::createdAt)).toList();
        for (int i = 1; i < v2.size(); i++) {
            assertThat(v2.get(i).createdAt()).isGreaterThanOrEqualTo(v2.get(i - 1).stateSince());
        }
        assertThat(cli.ok("service", "ps", "web")).contains(" \\_ web.1").contains(" \\_ web.3");
        ServiceView web = inspect("web");
        assertThat(web.updateStatus().state()).isEqualTo("completed");
        assertThat(web.updateStatus().message()).isEqualTo("update completed");
        assertThat(web.previousSpec().get("image").asText()).isEqualTo("img:v1");
        assertThat(web.spec().get("updateConfig").get("monitorMillis").asLong()).isEqualTo(1_000);
    }

    @Test
    void aFailingUpdateRollsBackToThePreviousSpecAndSaysSo() {
        cli.ok("service", "create", "--name", "web", "--replicas", "3", "--update-failure-action", "rollback",
                "--update-monitor", "2s", "--update-delay", "1s", "--rollback-monitor", "1s", "img", "sleep", "600");
        List<String> before = tasks("web").stream().map(TaskView::id).toList();

        AgentCli.Result r = cli.run("service", "update", "--args", "sh -c 'exit 1'", "web");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("web: rollback: update rolled back due to failure or early termination of task web.1");
        assertThat(r.err().strip()).startsWith("error: service web rolled back: update rolled back due to failure or"
                + " early termination of task web.1 (").endsWith("task: non-zero exit (1)").doesNotContain("\n");
        ServiceView web = inspect("web");
        assertThat(web.updateStatus().state()).isEqualTo("rollback_completed");
        assertThat(web.spec().get("command").toString()).isEqualTo("[\"sleep\",\"600\"]");
        assertThat(web.previousSpec().get("command").toString()).isEqualTo("[\"sh\",\"-c\",\"exit 1\"]");
        List<TaskView> live = tasks("web").stream().filter(t -> t.desiredState().equals("Running")).toList();
        assertThat(live).hasSize(3).allMatch(t -> t.command().equals(List.of("sleep", "600"))
                && t.state().equals("Running"));
        // Slots 2 and 3 never ran the bad command: they keep their tasks.
        assertThat(live).filteredOn(t -> t.slot() > 1).extracting(TaskView::id).isSubsetOf(before);

        AgentCli.Result none = cli.run("service", "update", "web");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err().strip()).startsWith("error: nothing to update: give --image");
        assertThat(cli.ok("service", "rollback", "-d", "web")).isEqualTo("web\n");
        assertThat(inspect("web").spec().get("command").toString()).isEqualTo("[\"sh\",\"-c\",\"exit 1\"]");
        cli.ok("service", "create", "-d", "--name", "fresh", "img", "sleep", "600");
        assertThat(cli.run("service", "rollback", "fresh").err().strip())
                .isEqualTo("error: service fresh has no previous spec to roll back to");
    }
}
