package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.InfoView;
import io.trellis.api.Json;
import io.trellis.api.NetworkView;
import io.trellis.testing.agent.AgentCli;
import io.trellis.testing.agent.AgentProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader rotates an encrypted network's key in its three steps ({@code --network-key-rotation},
 * 10 s here, steps of 2.5 s), as {@code network inspect} shows through the keys' creation times;
 * the keys themselves never leave the store. The same agent, given Raft timeouts of its own, shows in
 * {@code trellis info} the swarm before and after {@code swarm init} and what its Raft server runs with
 * (one agent for both: each start costs seconds).
 */
@Tag("netns")
class NetworkKeyRotationTest {
    @TempDir
    Path dataDir;
    private AgentProcess agent;

    @AfterEach
    void stop() throws Exception {
        if (agent != null && agent.isAlive()) {
            TestAgents.terminate(agent, Duration.ofSeconds(30));
        }
    }

    @Test
    void anEncryptedNetworksKeyIsInstalledThenUsedThenTheOldOneRetired() throws Exception {
        agent = TestAgents.create(dataDir, "itest", List.of("--network-key-rotation", "10s",
                "--raft-election-timeout", "1s", "--raft-request-timeout", "7s")).start(TestAgents.START);
        AgentCli cli = TestAgents.cli(agent);
        assertInfoBeforeInit(cli);
        String init = cli.ok("swarm", "init");
        assertInfoAfterInit(cli, init);
        cli.ok("network", "create", "-d", "overlay", "--opt", "encrypted", "sec");
        String inspected = cli.ok("network", "inspect", "sec");
        assertThat(inspected).doesNotContain("secret");
        long k1 = keys(cli).get(0);
        assertThat(keys(cli)).containsExactly(k1);

        List<List<Long>> seen = new ArrayList<>();
        await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<Long> now = keys(cli);
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now)) {
                seen.add(now);
            }
            return now.size() == 1 && now.get(0) != k1;
        });
        long k2 = seen.get(seen.size() - 1).get(0);
        assertThat(k2 - k1).isGreaterThanOrEqualTo(10_000);
        assertThat(seen).containsExactly(List.of(k1), List.of(k1, k2), List.of(k2, k1), List.of(k2));
    }

    private static void assertInfoBeforeInit(AgentCli cli) {
        assertThat(cli.ok("info")).contains("\n Swarm: inactive\n").contains("\n Name: itest\n")
                .doesNotContain("NodeID");
        InfoView json = info(cli);
        assertThat(json.swarm()).isEqualTo("inactive");
        assertThat(json.member()).isNull();
    }

    private void assertInfoAfterInit(AgentCli cli, String init) {
        String nodeId = init.replaceFirst("(?s).*current node \\((\\w+)\\).*", "$1");
        assertThat(cli.ok("info")).contains(String.join("\n",
                " Swarm: active",
                "  NodeID: " + nodeId,
                "  Is Manager: true",
                "  ClusterID: ")).contains(String.join("\n",
                "  Managers: 1",
                "  Nodes: 1",
                "  Default Address Pool: 10.0.0.0/8",
                "  SubnetSize: 24",
                "  Raft:",
                "   Election Timeout: 1s",
                "   Heartbeat Interval: 500ms",
                "   Request Timeout: 7s",
                "  Autolock Managers: false",
                "  Node Address: " + agent.address,
                "  Manager Addresses:",
                "   " + agent.clusterAddress(),
                ""));
        InfoView json = info(cli);
        assertThat(json.swarm()).isEqualTo("active");
        assertThat(json.nodeId()).isEqualTo(nodeId);
        assertThat(json.manager()).isTrue();
        assertThat(json.member().cluster()).isEqualTo(new InfoView.Cluster(1, 1, "10.0.0.0/8", 24, false));
        assertThat(json.member().raft()).isEqualTo(new InfoView.Raft(1000, 2000, 500, 7000));
        assertThat(json.network().dataPathPort()).isEqualTo(4789);
    }

    /** {@code info --format json}: one JSON object, the agent's view. */
    private static InfoView info(AgentCli cli) {
        return Json.read(cli.ok("info", "--format=json").getBytes(StandardCharsets.UTF_8), InfoView.class);
    }

    private static List<Long> keys(AgentCli cli) {
        List<NetworkView> views = Json.read(cli.ok("network", "inspect", "sec").getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<NetworkView>>() { });
        return views.get(0).rotatedAt();
    }
}
