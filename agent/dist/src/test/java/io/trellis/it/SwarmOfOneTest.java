package io.trellis.it;

import io.trellis.testing.agent.AgentCli;
import io.trellis.testing.agent.AgentProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests that drive one real agent share: the agent on a loopback address of its own with {@link #dataDir}
 * as its data directory, a swarm of that one node, the CLI against it, and the agent stopped after each test.
 * Skips with one line where task namespaces cannot be made.
 */
abstract class SwarmOfOneTest {
    @TempDir
    Path dataDir;
    AgentProcess agent;
    AgentCli cli;

    @BeforeEach
    void startSwarmOfOne() throws Exception {
        TestAgents.assumeTaskNamespaces();
        agent = TestAgents.start(dataDir);
        cli = TestAgents.cli(agent);
        cli.ok("swarm", "init");
    }

    @AfterEach
    void stopSwarmOfOne() throws Exception {
        if (agent != null && agent.isAlive()) {
            TestAgents.terminate(agent, Duration.ofSeconds(30));
        }
    }
}
