package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.api.Json;
import io.trellis.api.NodeView;
import io.trellis.api.ServiceView;
import io.trellis.api.TaskView;
import io.trellis.api.client.AdminClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The lab as Swarm users would drill it: five nodes, three managers, one cluster over the
 * namespace underlay. A manager cut off from the others catches up after the heal; a dead worker's
 * tasks run elsewhere within three heartbeats and a second.
 */
@Tag("netns")
class LabClusterTest {
    private static Lab lab;

    @BeforeAll
    static void needsRoot() {
        Assumptions.assumeTrue(Lab.unavailableReason().isEmpty(), () -> Lab.unavailableReason().orElse(""));
        lab = new Lab(new PrintWriter(new StringWriter(), true));
    }

    @AfterAll
    static void alwaysDown() throws Exception {
        if (lab != null) {
            lab.down();
        }
    }

    @Test
    void fiveNodesThreeManagersSurviveAPartitionAndAWorkerDeath() throws Exception {
        List<LabState.LabNode> nodes = lab.up(new LabPlan(5, 3));
        LabState.LabNode node1 = nodes.get(0);
        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> {
            List<NodeView> ls = nodesSeenBy(node1);
            assertThat(ls).extracting(NodeView::hostname).containsExactly("node1", "node2", "node3", "node4", "node5");
            assertThat(ls).extracting(NodeView::status).containsOnly("Ready");
            assertThat(ls).extracting(NodeView::managerStatus)
                    .containsExactlyInAnyOrder("Leader", "Reachable", "Reachable", "", "");
        });

        // Cut off a manager that does not lead; the other two keep a quorum and take writes.
        String leader = nodesSeenBy(node1).stream().filter(n -> n.managerStatus().equals("Leader"))
                .map(NodeView::hostname).findFirst().orElseThrow();
        LabState.LabNode cut = nodes.subList(0, 3).stream().filter(n -> !n.name().equals(leader)).findFirst().orElseThrow();
        LabState.LabNode writer = nodes.subList(0, 3).stream().filter(n -> n != cut).findFirst().orElseThrow();
        lab.partition(cut.name());
        post(writer, "/services", Map.of("name", "during-partition", "image", "img",
                "command", List.of("sleep", "600"), "replicas", 0));
        lab.heal(cut.name());
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(serviceNames(cut)).contains("during-partition"));

        // A service on every node; then a worker dies.
        post(node1, "/services", Map.of("name", "web", "image", "img", "command", List.of("sleep", "600"), "replicas", 5));
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(running(node1, "web").values()).containsExactlyInAnyOrder(
                        "node1", "node2", "node3", "node4", "node5"));
        long killed = System.nanoTime();
        lab.stop("node5", true);
        await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
            Map<String, String> running = running(node1, "web");
            assertThat(running).hasSize(5);
            assertThat(running.values()).doesNotContain("node5");
        });
        long millis = (System.nanoTime() - killed) / 1_000_000;
        System.out.printf("LabClusterTest: node5's task running elsewhere %d ms after kill -9 (heartbeat %s)%n",
                millis, Lab.HEARTBEAT_PERIOD);
        // Three missed heartbeats of 1 s plus a second, with one heartbeat of slack for the phase.
        assertThat(millis).isLessThan(5_000);
    }

    private static void post(LabState.LabNode n, String path, Object body) throws IOException {
        AdminClient.Response r = AdminClient.forHost(n.host()).send("POST", path, Json.bytes(body));
        assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    }

    private static List<NodeView> nodesSeenBy(LabState.LabNode n) throws IOException {
        AdminClient.Response r = AdminClient.forHost(n.host()).send("GET", "/nodes", null);
        assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
        return List.of(Json.read(r.body(), NodeView[].class));
    }

    private static Set<String> serviceNames(LabState.LabNode n) throws IOException {
        AdminClient.Response r = AdminClient.forHost(n.host()).send("GET", "/services", null);
        assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
        return Arrays.stream(Json.read(r.body(), ServiceView[].class)).map(ServiceView::name).collect(Collectors.toSet());
    }

    /** Running tasks of a service: task name → node. */
    private static Map<String, String> running(LabState.LabNode n, String service) throws IOException {
        AdminClient.Response r = AdminClient.forHost(n.host()).send("GET", "/services/" + service + "/tasks", null);
        assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
        return Arrays.stream(Json.read(r.body(), TaskView[].class))
                .filter(t -> t.state().equals("Running") && t.desiredState().equals("Running"))
                .collect(Collectors.toMap(TaskView::name, TaskView::node, (a, b) -> a));
    }
}
