package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.api.client.AdminClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Builds a real 2-node cluster (node1 manager, node2 worker), stops and restarts an agent, cuts a
 * node off the underlay and back, and always tears it down. Run it under
 * {@code flock /tmp/trellis-lab.lock}: the lab's paths and namespace names are fixed.
 */
@Tag("netns")
class LabTest {
    private static final StringWriter OUT = new StringWriter();
    private static final String NODE1_ADDRESS = "172.30.0.11";
    private static Lab lab;

    @BeforeAll
    static void needsRoot() {
        Assumptions.assumeTrue(Lab.unavailableReason().isEmpty(), () -> Lab.unavailableReason().orElse(""));
        lab = new Lab(new PrintWriter(OUT, true));
    }

    @AfterAll
    static void alwaysDown() throws Exception {
        if (lab != null) {
            lab.down();
            assertThat(Files.exists(LabNetwork.pathOf(LabNetwork.HUB))).isFalse();
            assertThat(Files.exists(LabNetwork.pathOf("trellis-node1"))).isFalse();
            assertThat(Files.exists(Lab.DATA_ROOT)).isFalse();
            assertThat(Files.exists(LabState.FILE)).isFalse();
        }
    }

    private static String output(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return text;
    }

    private static int pingNode1From(String node) throws Exception {
        return lab.exec(node, List.of("ping", "-c", "1", "-W", "1", "-q", NODE1_ADDRESS));
    }

    /** After a heal the neighbour entry may still be failed: give ARP a few tries (ping exits 0 on any reply). */
    private static int pingNode1AfterHeal(String node) throws Exception {
        return lab.exec(node, List.of("ping", "-c", "5", "-i", "0.5", "-W", "1", "-q", NODE1_ADDRESS));
    }

    private static String get(LabState.LabNode n, String path) throws Exception {
        AdminClient.Response r = AdminClient.forHost(n.host()).send("GET", path, null);
        assertThat(r.status()).as(n.name() + " " + path).isEqualTo(200);
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static Lab.NodeStatus status(String node) throws Exception {
        return lab.status().orElseThrow().stream().filter(s -> s.node().name().equals(node)).findFirst().orElseThrow();
    }

    @Test
    void clusterSurvivesAgentStopsAndAPartitionAndDownRemovesEverything() throws Exception {
        List<LabState.LabNode> nodes = lab.up(new LabPlan(2, 1));
        assertThat(nodes).extracting(LabState.LabNode::name).containsExactly("node1", "node2");
        assertThat(nodes).extracting(LabState.LabNode::role).containsExactly("manager", "worker");
        LabState.LabNode node2 = nodes.get(1);

        // One swarm: node1, its manager, lists both nodes.
        assertThat(get(nodes.get(0), "/nodes")).contains("\"hostname\":\"node1\"", "\"hostname\":\"node2\"");

        // The underlay joins the nodes' namespaces, and only those.
        assertThat(pingNode1From("node2")).isZero();
        assertThat(output("ip", "-o", "addr", "show")).doesNotContain("172.30.0.");

        // Idempotent: a second up of the same shape keeps the running lab.
        lab.up(new LabPlan(2, 1));
        assertThat(OUT.toString()).contains("lab is already up with 2 nodes (1 manager)");
        assertThat(LabState.load().orElseThrow().nodes()).isEqualTo(nodes);

        // exec runs in the node's namespace with TRELLIS_HOST set.
        assertThat(lab.exec("node2", List.of("sh", "-c",
                "ip -o addr show eth0 | grep -q 172.30.0.12 && test \"$TRELLIS_HOST\" = " + node2.host()))).isZero();

        // stop (SIGTERM) and start: the same agent flags and data dir, answering again.
        lab.stop("node2", false);
        assertThat(node2.agent().alive()).isFalse();
        assertThat(status("node2").agentRunning()).isFalse();
        lab.stop("node2", false);
        assertThat(OUT.toString()).contains("node2: agent already stopped");
        lab.start("node2");
        LabState.LabNode restarted = Lab.node("node2").orElseThrow();
        assertThat(restarted.pid()).isNotEqualTo(node2.pid());
        assertThat(restarted.agentCommand()).isEqualTo(node2.agentCommand());
        assertThat(get(restarted, "/info")).contains("\"hostname\":\"node2\"");
        assertThat(status("node2").agentRunning()).isTrue();

        // stop --kill is a crash; start brings it back the same way.
        lab.stop("node2", true);
        assertThat(restarted.agent().alive()).isFalse();
        lab.start("node2");
        assertThat(get(Lab.node("node2").orElseThrow(), "/info")).contains("\"hostname\":\"node2\"");

        // partition and heal: node2's link on the lab bridge goes down, then up.
        lab.partition("node2");
        assertThat(status("node2").partitioned()).isTrue();
        assertThat(pingNode1From("node2")).isNotZero();
        assertThat(output("ip", "-n", LabNetwork.HUB, "-o", "link", "show", "vnode2")).doesNotContain(",UP");
        lab.partition("node2");
        assertThat(OUT.toString()).contains("node2 is already partitioned");
        lab.heal("node2");
        assertThat(status("node2").partitioned()).isFalse();
        assertThat(pingNode1AfterHeal("node2")).isZero();

        assertThatThrownBy(() -> lab.stop("node7", false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown lab node \"node7\": the lab has node1, node2");

        long node2Pid = Lab.node("node2").orElseThrow().pid();
        lab.down();
        assertThat(nodes).noneMatch(n -> ProcessHandle.of(n.pid()).map(ProcessHandle::isAlive).orElse(false));
        assertThat(ProcessHandle.of(node2Pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(output("ip", "netns", "list")).doesNotContain("trellis-");
        assertThat(output("ip", "-o", "link", "show")).doesNotContain("vnode");
        assertThat(lab.status()).isEmpty();
        lab.down(); // and again: nothing to do, no error
    }
}
