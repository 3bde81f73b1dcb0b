package io.trellis.it;

import io.trellis.testing.agent.AgentCli;
import io.trellis.testing.agent.AgentProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests that drive one real agent share: the agent on a loopback address of its own with {@link #dataDir}
 * as its data directory, a swarm of that one node, and the CLI against it. One agent serves the whole class
 * (starting one and forming its swarm takes seconds): after each test {@link SwarmOfOneReset} empties the swarm
 * again, and a test that stopped the agent, or left what the reset could not remove, hands the next test a fresh
 * one. Skips with one line where task namespaces cannot be made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SwarmOfOneTest {
    /** The running agent's data directory. */
    Path dataDir;
    AgentProcess agent;
    AgentCli cli;
    private Path agentDirs;
    private int agentsStarted;

    /** A @TempDir parameter of @BeforeAll lasts for the class; a @TempDir field would be a new one for each test. */
    @BeforeAll
    void skipWithoutTaskNamespaces(@TempDir Path dir) {
        TestAgents.assumeTaskNamespaces();
        agentDirs = dir;
    }

    @BeforeEach
    void startSwarmOfOne() throws Exception {
        if (agent == null || !agent.isAlive()) {
            dataDir = agentDirs.resolve("agent-" + ++agentsStarted);
            agent = TestAgents.start(dataDir);
            cli = TestAgents.cli(agent);
            cli.ok("swarm", "init");
        }
    }

    @AfterEach
    void emptySwarm() throws Exception {
        if (agent != null && agent.isAlive() && !SwarmOfOneReset.tryRun(cli, dataDir)) {
            TestAgents.terminate(agent, Duration.ofSeconds(30));
        }
    }

    @AfterAll
    void stopSwarmOfOne() throws Exception {
        if (agent != null && agent.isAlive()) {
            TestAgents.terminate(agent, Duration.ofSeconds(30));
        }
    }
}
