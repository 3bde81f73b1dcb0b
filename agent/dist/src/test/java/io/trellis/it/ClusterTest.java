package io.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.api.Json;
import io.trellis.api.NodeView;
import io.trellis.api.ServiceView;
import io.trellis.api.client.AdminClient;
import io.trellis.controlplane.atrest.DataKeyStore;
import io.trellis.controlplane.pki.JoinToken;
import io.trellis.controlplane.pki.TokenPinnedTrust;
import io.trellis.daemon.cluster.ClusterClient;
import io.trellis.daemon.cluster.ClusterException;
import io.trellis.testing.agent.AgentCli;
import io.trellis.testing.agent.AgentProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster of agent processes on loopback addresses of their own: three managers and a
 * worker formed with join tokens over mutual TLS, then failures: a worker killed, the leader
 * killed while writes stream in, every manager restarted.
 */
class ClusterTest {
    private static final String HEARTBEAT = "500ms";

    @TempDir
    Path dir;

    private final List<AgentProcess> agents = new ArrayList<>();


    @BeforeEach
    void skipWithoutNamespaces() {
        TestAgents.assumeTaskNamespaces();
    }

    @AfterEach
    void stopAll(org.junit.jupiter.api.TestInfo test) throws Exception {
        TestAgents.terminateAll(agents, Duration.ofSeconds(20));
        // The temp dir goes with the test: keep the agents' logs where a failure can be read.
        Path keep = Path.of("target", "it-logs", test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test"));
        Files.createDirectories(keep);
        for (AgentProcess a : agents) {
            Path log = a.dataDir.resolve("agent.log");
            if (Files.exists(log)) {
                Files.copy(log, keep.resolve(a.hostname + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** An agent of this test, not started yet. */
    private AgentProcess agent(String name) throws IOException {
        AgentProcess a = TestAgents.create(dir.resolve(name), name, List.of("--heartbeat-period", HEARTBEAT));
        agents.add(a);
        return a;
    }

    /** Agents of this test, started side by side. */
    private List<AgentProcess> started(String... names) throws IOException {
        List<AgentProcess> started = new ArrayList<>();
        for (String name : names) {
            started.add(agent(name));
        }
        TestAgents.startAll(started);
        return started;
    }

    /** a initializes; b and c join as managers, w as a worker. */
    private List<AgentProcess> formCluster() throws IOException {
        List<AgentProcess> nodes = started("a", "b", "c", "w");
        AgentProcess a = nodes.get(0);
        AgentProcess b = nodes.get(1);
        AgentProcess c = nodes.get(2);
        AgentProcess w = nodes.get(3);
        TestAgents.cli(a).ok("swarm", "init");
        String managerToken = TestAgents.cli(a).ok("swarm", "join-token", "-q", "manager").strip();
        String workerToken = TestAgents.cli(a).ok("swarm", "join-token", "-q", "worker").strip();
        assertThat(TestAgents.cli(b).ok("swarm", "join", "--token", managerToken, a.clusterAddress()))
                .contains("joined a swarm as a manager");
        assertThat(TestAgents.cli(c).ok("swarm", "join", "--token", managerToken, b.clusterAddress()))
                .contains("joined a swarm as a manager");
        assertThat(TestAgents.cli(w).ok("swarm", "join", "--token", workerToken, c.clusterAddress()))
                .contains("joined a swarm as a worker");
        return nodes;
    }

    @Test
    void formsAClusterRefusesBadJoinsAndSurvivesAWorkerDying() throws Exception {
        List<AgentProcess> nodes = formCluster();
        AgentProcess a = nodes.get(0);
        AgentProcess b = nodes.get(1);
        AgentProcess w = nodes.get(3);
        AgentProcess x = agent("x").launch(); // for the bad joins below; its JVM starts while the cluster settles

        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            List<NodeView> ls = nodes(b);
            assertThat(ls).extracting(NodeView::hostname).containsExactly("a", "b", "c", "w");
            assertThat(ls).extracting(NodeView::status).containsOnly("Ready");
            assertThat(ls.subList(0, 3)).extracting(NodeView::managerStatus)
                    .containsExactlyInAnyOrder("Leader", "Reachable", "Reachable");
            assertThat(ls.get(3).managerStatus()).isEmpty();
        });
        String ls = TestAgents.cli(a).ok("node", "ls");
        assertThat(ls).contains("MANAGER STATUS").contains("Leader").contains("Reachable");

        // Bad joins: refused with one line, nothing changes.
        x.awaitAnswer(TestAgents.START);
        String workerToken = TestAgents.cli(a).ok("swarm", "join-token", "-q", "worker").strip();
        String wrongSecret = workerToken.substring(0, workerToken.lastIndexOf('-') + 1) + "0".repeat(25);
        AgentCli.Result wrong = TestAgents.cli(x).run("swarm", "join", "--token", wrongSecret, a.clusterAddress());
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err()).contains("rotated or belongs to another swarm").doesNotContain("Exception");
        String otherCa = JoinToken.PREFIX + "1".repeat(50) + workerToken.substring(workerToken.lastIndexOf('-'));
        AgentCli.Result foreign = TestAgents.cli(x).run("swarm", "join", "--token", otherCa, a.clusterAddress());
        assertThat(foreign.exitCode()).isNotZero();
        assertThat(foreign.err()).contains("does not match the join token");
        AgentCli.Result twice = TestAgents.cli(w).run("swarm", "join", "--token", workerToken, a.clusterAddress());
        assertThat(twice.err()).contains("already part of a swarm");
        assertThat(TestAgents.cli(w).run("service", "ls").err()).contains("not a swarm manager");
        assertThat(nodes(a)).hasSize(4);

        // No certificate: the dispatcher refuses; garbage on the port is refused and counted.
        TokenPinnedTrust pinned = new TokenPinnedTrust(JoinToken.parse(workerToken));
        ClusterException noCert = org.junit.jupiter.api.Assertions.assertThrows(ClusterException.class,
                () -> ClusterClient.anonymous(pinned).post(a.clusterAddress(), "/v1/heartbeat", Map.of(), Map.class,
                        Duration.ofSeconds(5)));
        assertThat(noCert.status()).isEqualTo(401);
        assertThat(noCert.getMessage()).contains("client certificate");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(a.address, 2377), 2000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.setSoTimeout(3000);
            assertThat(s.getInputStream().read()).isIn(-1, 0x15); // closed, or a TLS alert
        } catch (java.net.SocketException closed) {
            // reset by the server: refused as well
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> metrics(a).contains("route=\"tls\""));

        // A service spreads over all four nodes; created through a follower.
        TestAgents.cli(b).ok("service", "create", "--name", "web", "--replicas", "4", "img", "sleep", "300");
        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(runningNodes(a, "web")).containsExactlyInAnyOrder("a", "b", "c", "w"));

        // The worker dies: Down after 3 missed heartbeats.
        long killed = System.nanoTime();
        w.kill();
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(nodes(a)).filteredOn(n -> n.hostname().equals("w")).extracting(NodeView::status)
                        .containsExactly("Down"));
        System.out.printf("ClusterTest: worker marked Down %d ms after kill -9 (heartbeat %s)%n",
                (System.nanoTime() - killed) / 1_000_000, HEARTBEAT);

        // It comes back: it resumes its membership and is Ready again, its task adopted.
        w.start(TestAgents.START);
        await().atMost(15, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(nodes(a)).filteredOn(n -> n.hostname().equals("w")).extracting(NodeView::status)
                        .containsExactly("Ready"));

        // Demotions shrink the Raft group; the last manager cannot go. Unknown nodes are refused.
        assertThat(TestAgents.cli(a).ok("node", "demote", "c")).contains("Manager c demoted");
        assertThat(TestAgents.cli(a).ok("node", "demote", "b")).contains("Manager b demoted");
        await().atMost(15, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(nodes(a)).extracting(NodeView::managerStatus).containsExactly("Leader", "", "", ""));
        AgentCli.Result last = TestAgents.cli(a).run("node", "demote", "a");
        assertThat(last.exitCode()).isEqualTo(1);
        assertThat(last.err()).contains("last manager");
        assertThat(TestAgents.cli(a).run("node", "promote", "nosuchnode").err()).contains("node nosuchnode not found");

        // The demoted nodes act on it: they stop their manager side.
        AgentProcess c = nodes.get(2);
        await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(info(b)).contains("\"manager\":false");
            assertThat(info(c)).contains("\"manager\":false");
        });

        // Promoted back: c renews its certificate as a manager, joins the Raft group as a fresh voter.
        assertThat(TestAgents.cli(a).ok("node", "promote", "c")).contains("promoted to a manager");
        awaitManagers(a, c, "Leader", "", "Reachable", "");

        // The leader demoted through another manager leaves the group and steps down; promoted back,
        // it is a voter again. Its own Raft replica is shut down then, yet still reported leadership.
        assertThat(TestAgents.cli(c).ok("node", "demote", "a")).contains("Manager a demoted");
        await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(info(a)).contains("\"manager\":false");
            assertThat(nodes(c)).extracting(NodeView::managerStatus).containsExactly("", "", "Leader", "");
        });
        assertThat(TestAgents.cli(c).ok("node", "promote", "a")).contains("promoted to a manager");
        awaitManagers(c, a, "Reachable", "", "Leader", "");

        // The leader demotes itself (`node demote` on the leader, about itself): it records the role,
        // then leaves the group when its heartbeat brings the role back, and a takes over.
        assertThat(TestAgents.cli(c).ok("node", "demote", "c")).contains("Manager c demoted");
        await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(info(c)).contains("\"manager\":false");
            assertThat(nodes(a)).extracting(NodeView::managerStatus).containsExactly("Leader", "", "", "");
        });
        assertThat(TestAgents.cli(a).ok("service", "ls")).contains("web");

        assertThat(TestAgents.cli(a).run("swarm", "leave").err()).contains("this node is a manager");
    }

    @Test
    void leaderKilledDuringWritesLosesNoAcknowledgedWriteAndRestartsKeepState() throws Exception {
        List<AgentProcess> nodes = formCluster();
        List<AgentProcess> managers = nodes.subList(0, 3);
        AgentProcess leader = managers.stream().filter(m -> info(m).contains("\"leader\":true")).findFirst().orElseThrow();
        List<AgentProcess> others = managers.stream().filter(m -> m != leader).toList();

        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            int i = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (writing.get() && System.nanoTime() < until) {
                String name = "w" + i++;
                AgentProcess via = others.get(i % 2);
                try {
                    AdminClient.Response r = AdminClient.forHost(via.host).send("POST", "/services",
                            Json.bytes(Map.of("name", name, "image", "img", "command", List.of("sleep", "300"),
                                    "replicas", 0)));
                    if (r.status() == 200) {
                        acknowledged.add(name);
                    }
                } catch (IOException e) {
                    // unacknowledged: allowed to be lost
                }
            }
        }, "writes");
        writer.start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> acknowledged.size() >= 20);
        long killed = System.nanoTime();
        leader.kill();
        int before = acknowledged.size();
        await().atMost(15, TimeUnit.SECONDS).until(() -> acknowledged.size() > before + 20);
        writing.set(false);
        writer.join();

        AgentProcess survivor = others.get(0);
        String newLeader = await().atMost(10, TimeUnit.SECONDS).until(() -> nodes(survivor).stream()
                .filter(n -> n.managerStatus().equals("Leader")).map(NodeView::hostname).findFirst().orElse(""),
                h -> !h.isEmpty() && !h.equals(leader.hostname));
        System.out.printf("ClusterTest: %d writes acknowledged, leader %s killed after %d; new leader %s%n",
                acknowledged.size(), leader.hostname, before, newLeader);
        long failover = (System.nanoTime() - killed) / 1_000_000;
        assertThat(failover).isLessThan(30_000);
        assertThat(serviceNames(survivor)).containsAll(acknowledged);

        // Every manager restarts (the dead one included): the state is intact everywhere.
        TestAgents.terminateAll(others, Duration.ofSeconds(20));
        for (AgentProcess m : managers) {
            m.launch();
        }
        for (AgentProcess m : managers) {
            m.awaitAnswer(TestAgents.START);
        }
        for (AgentProcess m : managers) {
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(serviceNames(m)).containsAll(acknowledged));
        }

        // The Raft logs on disk hold no plaintext of the service specs.
        for (AgentProcess m : managers) {
            try (var files = Files.walk(m.dataDir.resolve("raft"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                            .as("raft file %s", f).doesNotContain("sleep").doesNotContain("\"w1\"");
                }
            }
        }
    }

    @Test
    void autolockedManagersWaitForTheUnlockKeyAfterARestart() throws Exception {
        List<AgentProcess> ab = started("a", "b");
        AgentProcess a = ab.get(0);
        AgentProcess b = ab.get(1);
        String init = TestAgents.cli(a).ok("swarm", "init", "--autolock");
        String key = init.lines().map(String::strip).filter(l -> l.startsWith("SWMKEY-1-")).findFirst().orElseThrow();
        assertThat(TestAgents.cli(a).ok("swarm", "unlock-key", "-q").strip()).isEqualTo(key);
        String token = TestAgents.cli(a).ok("swarm", "join-token", "-q", "manager").strip();
        TestAgents.cli(b).ok("swarm", "join", "--token", token, a.clusterAddress());
        TestAgents.cli(a).ok("service", "create", "--name", "locked", "--replicas", "0", "img", "sleep", "1");

        // The joined manager sealed its data key with the swarm's unlock key: after a restart it waits.
        TestAgents.terminate(b, Duration.ofSeconds(20));
        b.start(TestAgents.START);
        assertThat(info(b)).contains("\"swarm\":\"locked\"");
        assertThat(TestAgents.cli(b).run("service", "ls").err()).contains("swarm is locked");
        AgentCli.Result wrong = TestAgents.cli(b).runWithInput("SWMKEY-1-" + "A".repeat(43) + "\n", "swarm", "unlock");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err()).contains("not this swarm's");
        TestAgents.cli(b).runWithInput(key + "\n", "swarm", "unlock");
        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> assertThat(serviceNames(b)).contains("locked"));

        // Rotation: the old key stops working for managers restarted afterwards.
        String rotated = okOrRetryWhenUnavailable(TestAgents.cli(a), "swarm", "unlock-key", "--rotate", "-q").strip();
        assertThat(rotated).startsWith("SWMKEY-1-").isNotEqualTo(key);
        // b re-seals its data key with the new unlock key when it applies the rotation: wait for that on disk.
        await().atMost(20, TimeUnit.SECONDS).until(() -> dataKeySealedWith(b, rotated));
        assertThat(dataKeySealedWith(b, key)).isFalse();
        TestAgents.terminate(b, Duration.ofSeconds(20));
        b.start(TestAgents.START);
        assertThat(TestAgents.cli(b).runWithInput(key + "\n", "swarm", "unlock").err()).contains("not this swarm's");
        assertThat(TestAgents.cli(b).runWithInput(rotated + "\n", "swarm", "unlock").exitCode()).isZero();
        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> assertThat(serviceNames(b)).contains("locked"));
    }

    /**
     * Waits until {@code leader}'s node list shows these manager statuses (a, b, c, w) and the node
     * just promoted serves the API and accepts a write.
     */
    private void awaitManagers(AgentProcess leader, AgentProcess promoted, String... statuses) {
        try {
            await().atMost(45, TimeUnit.SECONDS).untilAsserted(() -> {
                assertThat(nodes(leader)).extracting(NodeView::managerStatus).containsExactly(statuses);
                assertThat(TestAgents.cli(promoted).ok("service", "ls")).contains("web");
            });
            String name = "after-" + promoted.hostname + "-" + System.nanoTime();
            okOrRetryWhenUnavailable(TestAgents.cli(promoted), "service", "create", "--name", name, "--replicas", "0",
                    "img", "sleep", "1");
            assertThat(serviceNames(leader)).contains(name);
        } catch (AssertionError | org.awaitility.core.ConditionTimeoutException | IOException e) {
            threadDump(promoted); // what the node was doing instead of becoming a manager
            throw new AssertionError(e);
        }
    }

    /** jstack of an agent into target/it-logs, for a failure that logs leave unexplained. */
    private static void threadDump(AgentProcess a) {
        try {
            Path out = Path.of("target", "it-logs", a.hostname + "-threads.txt");
            Files.createDirectories(out.getParent());
            String jstack = Path.of(System.getProperty("java.home"), "bin", "jstack").toString();
            new ProcessBuilder(jstack, String.valueOf(a.pid())).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            System.out.println("no thread dump of " + a.hostname + ": " + e.getMessage());
        }
    }

    /**
     * Exit 2 means the store was briefly unavailable (leadership moving after a manager restart)
     * and nothing was acknowledged: what a user does then is run the command again.
     */
    private static String okOrRetryWhenUnavailable(AgentCli cli, String... args) {
        AgentCli.Result r = await().atMost(5, TimeUnit.SECONDS).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(500)).until(() -> cli.run(args), result -> result.exitCode() != 2);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }

    /** Whether the agent's Raft data key on disk opens with {@code unlockKey}. */
    private static boolean dataKeySealedWith(AgentProcess a, String unlockKey) {
        try {
            new DataKeyStore(a.dataDir.resolve("keys")).unlock(unlockKey);
            return true;
        } catch (IllegalArgumentException | IOException e) {
            return false;
        }
    }

    private static String info(AgentProcess a) {
        try {
            return AdminClient.forHost(a.host).send("GET", "/info", null).bodyText();
        } catch (IOException e) {
            return "";
        }
    }

    private static String metrics(AgentProcess a) throws IOException {
        return AdminClient.forHost(a.host).send("GET", "/metrics", null).bodyText();
    }

    private static List<NodeView> nodes(AgentProcess a) throws IOException {
        AdminClient.Response r = AdminClient.forHost(a.host).send("GET", "/nodes", null);
        assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
        return List.of(Json.read(r.body(), NodeView[].class));
    }

    private static Set<String> serviceNames(AgentProcess a) throws IOException {
        AdminClient.Response r = AdminClient.forHost(a.host).send("GET", "/services", null);
        assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
        return java.util.Arrays.stream(Json.read(r.body(), ServiceView[].class)).map(ServiceView::name)
                .collect(Collectors.toSet());
    }

    private static Set<String> runningNodes(AgentProcess a, String service) throws IOException {
        AdminClient.Response r = AdminClient.forHost(a.host).send("GET", "/services/" + service + "/tasks", null);
        return java.util.Arrays.stream(Json.read(r.body(), io.trellis.api.TaskView[].class))
                .filter(t -> t.state().equals("Running"))
                .map(io.trellis.api.TaskView::node).collect(Collectors.toSet());
    }
}
