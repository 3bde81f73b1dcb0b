package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.TaskView;
import io.trellis.testing.agent.AgentCli;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tasks for real in a three-node lab, asked of node1 about tasks on other nodes: {@code trellis exec} reads a
 * task's secret and cannot read its node's key; a task whose health check starts failing is replaced. The lab is
 * {@link SharedLab}'s, which removes what a test leaves behind when it fails half way.
 */
@Tag("netns")
@ExtendWith(SharedLab.class)
class ExecutorsLabTest {
    private static final String SECRET = "lab-secret-" + Long.toString(System.nanoTime(), 36);
    private static List<LabState.LabNode> nodes;

    @BeforeAll
    static void up(SharedLab.Cluster cluster) {
        nodes = cluster.nodes();
    }

    private static List<TaskView> tasks(String service) throws Exception {
        return LabAdmin.get(nodes.get(0), "/services/" + service + "/tasks", new TypeReference<List<TaskView>>() { });
    }

    @Test
    void execReadsTheTaskSecretButNotTheNodeKey() throws Exception {
        LabAdmin.post(nodes.get(0), "/secrets", Map.of("name", "db_pw",
                "data", Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8))));
        LabAdmin.post(nodes.get(0), "/services", Map.of("name", "db", "image", "img", "replicas", 1,
                "constraints", List.of("node.hostname==node3"),
                "container", Map.of("secrets", List.of("db_pw"), "healthCmd", "test -r /run/secrets/db_pw",
                        "healthInterval", "500ms"),
                "command", List.of("trellis", "workload", "http", "--port", "80")));
        await().atMost(60, TimeUnit.SECONDS).until(() -> tasks("db").stream()
                .anyMatch(t -> t.state().equals("Running") && t.health().status().equals("healthy")));

        String host = nodes.get(0).host();
        AgentCli.Result secret = AgentCli.execProcess(host, null, "db.1", "--", "cat", "/run/secrets/db_pw");
        assertThat(secret.exitCode()).as(secret.err()).isZero();
        assertThat(secret.out()).isEqualTo(SECRET);

        String nodeKey = nodes.get(2).dataDir() + "/certs/node.key";
        AgentCli.Result key = AgentCli.execProcess(host, null, "db.1", "--", "cat", nodeKey);
        assertThat(key.exitCode()).isNotZero();
        assertThat(key.out()).doesNotContain("PRIVATE KEY");
        AgentCli.Result id = AgentCli.execProcess(host, null, "db.1", "--", "id", "-u");
        assertThat(id.out().strip()).isEqualTo("65534");

        LabAdmin.post(nodes.get(0), "/services/remove", Map.of("services", List.of("db")));
        LabAdmin.post(nodes.get(0), "/secrets/remove", Map.of("secrets", List.of("db_pw")));
    }

    @Test
    void aTaskWhoseHealthCheckFailsIsReplaced() throws Exception {
        LabAdmin.post(nodes.get(0), "/services", Map.of("name", "flaky", "image", "img", "replicas", 1,
                "constraints", List.of("node.hostname==node2"),
                "container", Map.of("healthCmd", "test -f /tmp/ok", "healthInterval", "300ms", "healthRetries", 2),
                "command", List.of("sh", "-c", "touch /tmp/ok; sleep 3; rm /tmp/ok; exec sleep 600")));
        await().atMost(60, TimeUnit.SECONDS).until(() -> {
            List<TaskView> all = tasks("flaky");
            TaskView newest = all.stream().max(Comparator.comparingLong(TaskView::createdAt)).orElseThrow();
            return all.stream().anyMatch(t -> t.state().equals("Failed") && t.error().startsWith("unhealthy container"))
                    && newest.state().equals("Running") && newest.health().status().equals("healthy");
        });
        LabAdmin.post(nodes.get(0), "/services/remove", Map.of("services", List.of("flaky")));
    }
}
