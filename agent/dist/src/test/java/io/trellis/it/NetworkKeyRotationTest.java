package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
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
 * the keys themselves never leave the store.
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
        agent = TestAgents.create(dataDir, "itest", List.of("--network-key-rotation", "10s")).start(TestAgents.START);
        AgentCli cli = TestAgents.cli(agent);
        cli.ok("swarm", "init");
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

    private static List<Long> keys(AgentCli cli) {
        List<NetworkView> views = Json.read(cli.ok("network", "inspect", "sec").getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<NetworkView>>() { });
        return views.get(0).rotatedAt();
    }
}
