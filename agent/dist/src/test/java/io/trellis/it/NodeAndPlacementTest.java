package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.trellis.api.Json;
import io.trellis.api.NodeView;
import io.trellis.api.ServiceView;
import io.trellis.api.TaskView;
import io.trellis.testing.agent.AgentCli;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code node update/ps/inspect} and service placement (global mode, constraints, max replicas per
 * node, drain) through the CLI against one real agent. Several-node behaviour is covered by the
 * control-plane scenario tests.
 */
@Tag("netns")
class NodeAndPlacementTest extends SwarmOfOneTest {
    private List<TaskView> tasks(String... args) {
        return Json.read(cli.ok(args).getBytes(StandardCharsets.UTF_8), new TypeReference<List<TaskView>>() { });
    }

    private NodeView self() {
        return Json.read(cli.ok("node", "inspect", "self").getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<NodeView>>() { }).get(0);
    }

    @Test
    void nodeUpdateInspectAndPs() {
        NodeView me = self();
        assertThat(me.hostname()).isEqualTo("itest");
        assertThat(me.availability()).isEqualTo("Active");

        assertThat(cli.ok("node", "update", "--availability", "pause", "--label-add", "zone=east", "--label-add", "ssd",
                "itest")).isEqualTo("itest\n");
        me = self();
        assertThat(me.availability()).isEqualTo("Pause");
        assertThat(me.labels()).containsEntry("zone", "east").containsEntry("ssd", "");
        assertThat(cli.ok("node", "ls")).containsPattern("itest\\s+Ready\\s+Pause\\s+Leader");
        String pretty = cli.ok("node", "inspect", "--pretty", me.id().substring(0, 6));
        assertThat(pretty).containsPattern("(?m)^ID:\\s+" + me.id() + "$").contains("Labels:\n - ssd\n - zone=east\n")
                .containsPattern("(?m)^Hostname:\\s+itest$").containsPattern("(?m)^ State:\\s+Ready$")
                .containsPattern("(?m)^ Availability:\\s+Pause$").containsPattern("(?m)^ Leader:\\s+Yes$");

        // Paused: nothing new is placed, and the task says why.
        cli.ok("service", "create", "-d", "--name", "web", "img", "sleep", "600");
        await().atMost(Duration.ofSeconds(10)).until(() -> tasks("service", "ps", "web", "--format", "json").stream()
                .anyMatch(t -> t.error().equals("no suitable node (1 node not available for new tasks)")));

        cli.ok("node", "update", "--availability", "active", "--label-rm", "ssd", "self");
        await().atMost(Duration.ofSeconds(10)).until(() -> tasks("node", "ps", "--format", "json").stream()
                .anyMatch(t -> t.name().equals("web.1") && t.state().equals("Running")));
        assertThat(self().labels()).containsOnlyKeys("zone");
        String table = cli.ok("node", "ps", "itest");
        assertThat(table.lines().findFirst().orElseThrow())
                .matches("ID\\s+NAME\\s+IMAGE\\s+NODE\\s+DESIRED STATE\\s+CURRENT STATE\\s+ERROR\\s+PORTS");
        assertThat(table).containsPattern("web\\.1\\s+img\\s+itest\\s+Running\\s+Running");

        // Drain: the task is shut down and its replacement waits for a node.
        cli.ok("node", "update", "--availability", "drain", "self");
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            List<TaskView> web = tasks("service", "ps", "web", "--format", "json");
            return web.size() == 2 && web.stream().anyMatch(t -> t.state().equals("Shutdown"))
                    && web.stream().anyMatch(t -> t.state().equals("Pending")
                    && t.error().equals("no suitable node (1 node not available for new tasks)"));
        });
        assertThat(cli.ok("service", "ps", "web")).contains("\\_ web.1");
    }

    @Test
    void globalConstrainedAndCappedServices() {
        String id = self().id();
        cli.ok("node", "update", "--label-add", "zone=east", "self");

        assertThat(cli.ok("service", "create", "--name", "g", "--mode", "global", "--constraint", "node.role==manager",
                "img", "sleep", "600")).contains("g: 1/1 running").contains("verify: Service converged");
        assertThat(cli.ok("service", "ls")).containsPattern("g\\s+global\\s+1/1\\s+img");
        assertThat(tasks("service", "ps", "g", "--format", "json")).singleElement()
                .satisfies(t -> assertThat(t.name()).isEqualTo("g." + id));

        cli.ok("service", "create", "-d", "--name", "west", "--constraint", "node.labels.zone==west",
                "--constraint", "node.role==manager", "img", "sleep", "600");
        cli.ok("service", "create", "-d", "--name", "capped", "--replicas", "3", "--replicas-max-per-node", "2",
                "img", "sleep", "600");
        await().atMost(Duration.ofSeconds(15)).until(() ->
                tasks("service", "ps", "west", "--format", "json").stream().anyMatch(t -> t.error()
                        .equals("no suitable node (scheduling constraints not satisfied on 1 node)"))
                && tasks("service", "ps", "capped", "--format", "json").stream().filter(t -> t.error()
                        .equals("no suitable node (max replicas per node limit exceed)")).count() == 1
                && cli.ok("service", "ls").matches("(?s).*capped\\s+replicated\\s+2/3 \\(max 2 per node\\).*"));
        assertThat(cli.ok("service", "ps", "west")).contains("\"no suitable node (scheduling …\"");

        // The label changes: the constrained service finds its node.
        cli.ok("node", "update", "--label-add", "zone=west", "self");
        await().atMost(Duration.ofSeconds(10)).until(() -> tasks("service", "ps", "west", "--format", "json").stream()
                .anyMatch(t -> t.state().equals("Running")));

        // Drain: the global task goes and is not replaced.
        cli.ok("node", "update", "--availability", "drain", "self");
        await().atMost(Duration.ofSeconds(15)).until(() -> cli.ok("service", "ls").matches("(?s).*g\\s+global\\s+0/0.*"));
    }

    @Test
    void badInputIsOneLineExitOneAndChangesNothing() {
        cli.ok("service", "create", "--name", "g", "--mode", "global", "img", "sleep", "600");
        String services = cli.ok("service", "ls", "--format", "json");
        String nodes = cli.ok("node", "ls", "--format", "json");

        // What only the agent can judge; bad flags and values are agent/cli's BadInputTest, with no agent.
        assertBad(cli.run("service", "create", "--name", "x", "--constraint", "node.role=manager", "img"), "constraint");
        assertBad(cli.run("service", "create", "--name", "x", "--constraint", "engine.labels.a==b", "img"), "KEY must be");
        assertBad(cli.run("service", "scale", "g=2"), "global");
        assertBad(cli.run("node", "update", "--label-rm", "nope", "self"), "key nope doesn't exist");
        assertBad(cli.run("node", "update", "--availability", "drain", "ghost"), "node ghost not found");
        assertBad(cli.run("node", "ps", "self", "ghost"), "node ghost not found");
        assertBad(cli.run("node", "inspect", "ghost"), "node ghost not found");

        assertThat(cli.ok("service", "ls", "--format", "json")).isEqualTo(services);
        assertThat(cli.ok("node", "ls", "--format", "json")).isEqualTo(nodes);
    }

    @Test
    void placementPreferencesAndContainerLabelsAreKeptShownAndUpdated() {
        cli.ok("node", "update", "--label-add", "zone=east", "self");
        cli.ok("service", "create", "-d", "--name", "web", "--placement-pref", "spread=node.labels.zone",
                "--container-label", "tier=front", "--container-label", "team=a", "img", "sleep", "600");
        JsonNode spec = inspect("web");
        assertThat(spec.path("preferences").toString()).isEqualTo("[{\"spread\":\"node.labels.zone\"}]");
        assertThat(spec.path("container").path("labels").toString())
                .isEqualTo("{\"team\":\"a\",\"tier\":\"front\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> tasks("service", "ps", "web", "--format", "json").stream()
                .anyMatch(t -> t.state().equals("Running")));

        cli.ok("service", "update", "-d", "--placement-pref-rm", "spread=node.labels.zone", "--placement-pref-add",
                "spread=node.labels.rack", "--placement-pref-add", "spread=node.labels.zone", "--container-label-rm",
                "team", "--container-label-add", "tier=back", "web");
        spec = inspect("web");
        assertThat(spec.path("preferences").toString())
                .isEqualTo("[{\"spread\":\"node.labels.rack\"},{\"spread\":\"node.labels.zone\"}]");
        assertThat(spec.path("container").path("labels").toString()).isEqualTo("{\"tier\":\"back\"}");

        // One line, exit 1, nothing changed.
        long version = view("web").version();
        assertBad(cli.run("service", "create", "--name", "x", "--placement-pref", "spread=node.hostname", "img"),
                "invalid placement preference \"spread=node.hostname\": expected spread=node.labels.NAME");
        assertBad(cli.run("service", "create", "--name", "x", "--placement-pref", "pack=node.labels.zone", "img"),
                "expected spread=node.labels.NAME");
        assertBad(cli.run("service", "update", "--placement-pref-add", "spread=engine.labels.dc", "--replicas",
                "2", "web"), "engine labels are not supported");
        assertBad(cli.run("service", "update", "--container-label-add", "com.docker.swarm.task.id=x",
                "--replicas", "2", "web"), "keys under com.docker.swarm. are set by the runtime");
        assertBad(cli.run("service", "create", "--name", "x", "--container-label", "io.trellis.task.id=x", "img"),
                "keys under io.trellis. are set by the runtime");
        assertThat(view("web").version()).isEqualTo(version);
        assertThat(inspect("web")).isEqualTo(spec);
        assertThat(cli.run("service", "inspect", "x").exitCode()).isEqualTo(1);
    }

    private ServiceView view(String service) {
        return Json.read(cli.ok("service", "inspect", service).getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<ServiceView>>() { }).get(0);
    }

    private JsonNode inspect(String service) {
        return view(service).spec();
    }

    private static void assertBad(AgentCli.Result r, String mentions) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).contains(mentions).doesNotContain("\n").doesNotContain("Exception");
    }
}
