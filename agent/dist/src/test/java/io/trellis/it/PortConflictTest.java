package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.api.client.AdminClient;
import io.trellis.testing.agent.AgentCli;
import io.trellis.testing.agent.AgentProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code swarm init}, a manager join or a promotion while another process holds the Raft or the
 * cluster port: one line and exit 1 (a promotion: a log line and retries), the agent keeps serving,
 * nothing of a swarm is left on disk, and it works once the port is free. Before the check, Ratis
 * ended the agent from inside the request and its shutdown hung.
 */
class PortConflictTest {
    private static final List<String> HEARTBEAT = List.of("--heartbeat-period", "500ms");
    @TempDir
    Path dataDir;
    private AgentProcess agent;
    private AgentProcess second;
    private AgentCli cli;

    @BeforeEach
    void startAgent() throws Exception {
        TestAgents.assumeTaskNamespaces();
        agent = TestAgents.create(dataDir.resolve("a"), "itest", HEARTBEAT).start(TestAgents.START);
        cli = TestAgents.cli(agent);
    }

    @AfterEach
    void stopAgents() throws Exception {
        TestAgents.terminateAll(Stream.of(agent, second).filter(Objects::nonNull).toList(), Duration.ofSeconds(30));
    }

    @Test
    void aTakenRaftPortIsAnErrorAndTheAgentLivesOn() throws Exception {
        initRefusedWhileHeld(agent.raftPort());
    }

    @Test
    void aTakenClusterPortIsAnErrorAndTheAgentLivesOn() throws Exception {
        initRefusedWhileHeld(2377);
    }

    private void initRefusedWhileHeld(int port) throws Exception {
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getByName(agent.address))) {
            AgentCli.Result r = cli.run("swarm", "init");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).startsWith("error: port " + port + " is in use");
            assertThat(r.err().strip()).doesNotContain("\n");
            assertThat(r.out()).isEmpty();

            assertThat(agent.isAlive()).isTrue();
            AdminClient.Response info = AdminClient.forHost(agent.host).send("GET", "/info", null);
            assertThat(info.bodyText()).contains("\"swarm\":\"inactive\"");
            assertThat(cli.run("node", "ls").err()).contains("run trellis swarm init or trellis swarm join first");
            assertNoSwarmOnDisk(agent);
        }
        assertThat(cli.ok("swarm", "init")).contains("is now a manager");
        assertThat(cli.ok("node", "ls")).contains("itest").contains("Leader");
        assertThat(TestAgents.terminate(agent, Duration.ofSeconds(30))).isZero();
    }

    @Test
    void aManagerJoinWithItsRaftPortTakenSavesNothingAndWorksOnceFree() throws Exception {
        second = TestAgents.create(dataDir.resolve("b"), "second", HEARTBEAT).launch(); // starts during the init
        cli.ok("swarm", "init");
        String token = cli.ok("swarm", "join-token", "-q", "manager").strip();
        second.awaitAnswer(TestAgents.START);
        AgentCli b = TestAgents.cli(second);
        String stale;
        try (ServerSocket taken = new ServerSocket(second.raftPort(), 1, InetAddress.getByName(second.address))) {
            AgentCli.Result r = b.run("swarm", "join", "--token", token, agent.clusterAddress());
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).startsWith("error: port " + second.raftPort() + " is in use")
                    .contains("the managers admitted this attempt as node");
            assertThat(r.err().strip()).doesNotContain("\n");
            assertThat(second.isAlive()).isTrue();
            assertNoSwarmOnDisk(second);
            stale = r.err().replaceAll("(?s).*admitted this attempt as node (\\w+).*", "$1");
        }
        assertThat(b.ok("swarm", "join", "--token", token, agent.clusterAddress())).contains("as a manager");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(cli.ok("node", "ls"))
                .containsPattern("second\\s+Ready\\s+Active\\s+(Leader|Reachable)"));
        // The record the refused attempt left goes the way the message says.
        cli.ok("node", "demote", stale);
        cli.ok("node", "rm", stale);
        assertThat(cli.ok("node", "ls")).doesNotContain(stale);
    }

    @Test
    void aPromotionWaitsForItsPortAndTakesEffectOnceFree() throws Exception {
        second = TestAgents.create(dataDir.resolve("b"), "second", HEARTBEAT).launch(); // starts during the init
        cli.ok("swarm", "init");
        String token = cli.ok("swarm", "join-token", "-q", "worker").strip();
        second.awaitAnswer(TestAgents.START);
        TestAgents.cli(second).ok("swarm", "join", "--token", token, agent.clusterAddress());
        try (ServerSocket taken = new ServerSocket(second.raftPort(), 1, InetAddress.getByName(second.address))) {
            cli.ok("node", "promote", "second");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    Files.readString(second.dataDir.resolve("agent.log")).contains("port " + second.raftPort() + " is in use"));
            assertThat(second.isAlive()).isTrue();
            assertThat(AdminClient.forHost(second.host).send("GET", "/info", null).bodyText())
                    .contains("\"manager\":false");
        }
        await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> assertThat(cli.ok("node", "ls"))
                .containsPattern("second\\s+Ready\\s+Active\\s+Reachable"));
    }

    private static void assertNoSwarmOnDisk(AgentProcess a) {
        for (String left : new String[] {"swarm.json", "keys", "certs", "raft"}) {
            assertThat(Files.exists(a.dataDir.resolve(left))).as(left).isFalse();
        }
    }
}
