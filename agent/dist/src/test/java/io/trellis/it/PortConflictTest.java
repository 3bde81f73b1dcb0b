package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.client.AdminClient;
import io.trellis.ipvs.Privileges;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code swarm init} while another process holds the Raft or the cluster port: one line and exit 1,
 * the agent keeps serving, nothing of a swarm is left on disk, and init works once the port is free.
 * Before the check, Ratis ended the agent from inside the request and its shutdown hung.
 */
class PortConflictTest {
    @TempDir
    Path dataDir;
    private AgentProcess agent;
    private Cli cli;

    @BeforeEach
    void startAgent() throws Exception {
        Assumptions.assumeTrue(Privileges.missingForNetns().isEmpty(),
                () -> "needs root for task namespaces: " + Privileges.missingForNetns().orElse(""));
        agent = new AgentProcess(dataDir).start();
        cli = new Cli(agent.host);
    }

    @AfterEach
    void stopAgent() throws Exception {
        if (agent != null && agent.isAlive()) {
            agent.terminate(Duration.ofSeconds(30));
        }
    }

    @Test
    void aTakenRaftPortIsAnErrorAndTheAgentLivesOn() throws Exception {
        initRefusedWhileHeld(agent.raftPort);
    }

    @Test
    void aTakenClusterPortIsAnErrorAndTheAgentLivesOn() throws Exception {
        initRefusedWhileHeld(2377);
    }

    private void initRefusedWhileHeld(int port) throws Exception {
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getByName(agent.address))) {
            Cli.Result r = cli.run("swarm", "init");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).startsWith("error: port " + port + " is in use");
            assertThat(r.err().strip()).doesNotContain("\n");
            assertThat(r.out()).isEmpty();

            assertThat(agent.isAlive()).isTrue();
            AdminClient.Response info = AdminClient.forHost(agent.host).send("GET", "/info", null);
            assertThat(info.bodyText()).contains("\"swarm\":\"inactive\"");
            assertThat(cli.run("node", "ls").err()).contains("run trellis swarm init or trellis swarm join first");
            for (String left : new String[] {"swarm.json", "keys", "certs", "raft"}) {
                assertThat(dataDir.resolve(left)).as(left).satisfies(p -> assertThat(Files.exists(p)).isFalse());
            }
        }
        assertThat(cli.ok("swarm", "init")).contains("is now a manager");
        assertThat(cli.ok("node", "ls")).contains("itest").contains("Leader");
        assertThat(agent.terminate(Duration.ofSeconds(30))).isZero();
    }
}
