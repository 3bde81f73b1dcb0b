package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.VipView;
import io.trellis.api.client.AdminClient;
import io.trellis.process.SelfLauncher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The routing mesh in a three-node lab, as a Swarm user would try it: a published port answers on every
 * node's address, also on a node with no task of the service, from tasks on other nodes; the PROXY
 * protocol brings the real client address to the task; host mode answers from the node's own task; UDP is
 * published too; a port cannot be published twice; and removing the services closes the ports everywhere and
 * leaves no sandbox behind.
 */
@Tag("netns")
@ExtendWith(SharedLab.class)
class RoutingMeshLabTest {
    private static List<LabState.LabNode> nodes;

    @BeforeAll
    static void up(SharedLab.Cluster cluster) {
        Assumptions.assumeTrue(LabAdmin.onPath("python3"), "RoutingMeshLabTest skipped: python3 is not installed");
        nodes = cluster.nodes();
    }

    @Test
    void publishedPortsAnswerOnEveryNode() throws Exception {
        // Tasks only on nodes 2 and 3: node 1 relays everything it accepts through the ingress overlay.
        LabAdmin.post(node(1), "/services", Map.of("name", "web", "image", "img", "replicas", 2,
                "constraints", List.of("node.hostname!=node1"), "publish", List.of("8080:80"),
                "command", List.of("trellis", "workload", "http", "--port", "80")));
        LabAdmin.post(node(1), "/services", Map.of("name", "pp", "image", "img", "replicas", 1,
                "constraints", List.of("node.hostname==node3"),
                "publish", List.of("published=8081,target=80,proxy-protocol=v2"),
                "command", List.of("trellis", "workload", "http", "--port", "80")));
        LabAdmin.post(node(1), "/services", Map.of("name", "edge", "image", "img", "mode", "global",
                "publish", List.of("published=8082,target=80,mode=host"),
                "command", List.of("trellis", "workload", "http", "--port", "80")));
        LabAdmin.post(node(1), "/services", Map.of("name", "dns", "image", "img", "replicas", 2,
                "publish", List.of("5300:7/udp"),
                "command", List.of("trellis", "workload", "echo", "--udp", "--port", "7")));
        await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(LabAdmin.running(node(1), "web")).hasSize(2);
            assertThat(LabAdmin.running(node(1), "pp")).hasSize(1);
            assertThat(LabAdmin.running(node(1), "edge")).hasSize(3);
            assertThat(LabAdmin.running(node(1), "dns")).hasSize(2);
        });
        assertThat(LabAdmin.get(node(1), "/services", new TypeReference<List<Map<String, Object>>>() { }))
                .extracting(s -> s.get("name") + " " + s.get("ports"))
                .contains("web *:8080->80/tcp", "pp *:8081->80/tcp", "edge 8082->80/tcp", "dns *:5300->7/udp");

        // Every node's address answers, node 1 (no task) included, and the answers come from both tasks.
        // (A task counts as running once started, a moment before it listens: wait until both answer.)
        for (LabState.LabNode asked : nodes) {
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
                List<String> answers = awaitFetch(node(2), "http://" + asked.address() + ":8080/", 6);
                assertThat(answers).allMatch(a -> a.startsWith("web."));
                assertThat(answers).noneMatch(a -> a.contains(" on node1 "));
                assertThat(answers.stream().map(a -> a.substring(0, a.indexOf(' '))).distinct()).hasSize(2);
            });
        }

        // PROXY v2: the task on node 3, asked through node 1 from node 2, sees node 2's own address.
        String proxied = awaitFetch(node(2), "http://" + node(1).address() + ":8081/", 1).get(0);
        assertThat(proxied).contains("saw client " + node(2).address() + ":").contains("via PROXY v2");

        // Host mode: each node answers from its own task, straight to it.
        for (LabState.LabNode asked : nodes) {
            assertThat(awaitFetch(node(1), "http://" + asked.address() + ":8082/", 3))
                    .allMatch(a -> a.startsWith("edge.") && a.contains(" on " + asked.name() + " "));
        }

        // UDP: a datagram to any node comes back from a task.
        for (LabState.LabNode asked : nodes) {
            await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() ->
                    assertThat(udpEcho(node(2), asked.address(), 5300)).isEqualTo("ping"));
        }

        // vip ls on node 1 lists the published ports with their backends.
        List<VipView> vips = LabAdmin.get(node(1), "/vips", new TypeReference<List<VipView>>() { });
        assertThat(vips).filteredOn(v -> v.vip().equals("*:8080")).singleElement().satisfies(v -> {
            assertThat(v.protocol()).isEqualTo("TCP");
            assertThat(v.mode()).isEqualTo("ingress");
            assertThat(v.backends()).hasSize(2);
            assertThat(v.connections()).isGreaterThanOrEqualTo(6);
        });
        String metrics = new String(AdminClient.forHost(node(1).host()).send("GET", "/metrics", null).body(),
                StandardCharsets.UTF_8);
        assertThat(metrics).containsPattern("trellis_ingress_connections_total\\{port=\"8080/tcp\",service=\"web\"\\}");

        // A port already published is refused, naming the service that has it; nothing is created.
        AdminClient.Response clash = AdminClient.forHost(node(1).host()).send("POST", "/services", Json.bytes(Map.of(
                "name", "other", "image", "img", "publish", List.of("8080:80"),
                "command", List.of("trellis", "workload", "http", "--port", "80"))));
        assertThat(clash.status()).isEqualTo(409);
        assertThat(clash.bodyText()).contains("port 8080/tcp is already published by service web");

        // Removing the services closes the ports on every node and takes each node's sandbox away.
        LabAdmin.post(node(1), "/services/remove", Map.of("services", List.of("web", "pp", "edge", "dns")));
        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> {
            for (LabState.LabNode n : nodes) {
                Result r = fetch(node(2), "http://" + n.address() + ":8080/", 1, 300);
                assertThat(r.exit()).as(n.name() + " still answers: " + r.out()).isNotZero();
            }
            try (Stream<Path> netns = Files.list(Path.of("/run/trellis/netns"))) {
                assertThat(netns.map(p -> p.getFileName().toString())).noneMatch(f -> f.startsWith("ingress-sbox"));
            }
        });
    }

    /**
     * Clients of a published port see no error while the service shrinks, its image is rolled (start-first) task
     * by task and a node is drained: a task told to stop leaves every node's balancer before it gets SIGTERM,
     * and it finishes the requests it has.
     */
    @Test
    void noErrorsDuringScaleDownRollingImageUpdateAndDrain() throws Exception {
        LabAdmin.post(node(1), "/services", Map.of("name", "roll", "image", "img", "replicas", 4,
                "publish", List.of("9090:80"), "command", List.of("trellis", "workload", "http", "--port", "80")));
        await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(LabAdmin.running(node(1), "roll")).hasSize(4);
            List<String> answers = awaitFetch(node(2), "http://" + node(1).address() + ":9090/", 12);
            assertThat(answers.stream().map(a -> a.substring(0, a.indexOf(' '))).distinct()).hasSize(4);
        });
        Process load = new ProcessBuilder(inNodeArgv(node(2), SelfLauncher.current().resolve(List.of("trellis",
                "loadtest", "--target", node(1).address() + ":9090", "-c", "8", "-R", "400", "-d", "25s",
                "--json")))).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long start = System.nanoTime();
            LabAdmin.post(node(1), "/services/scale", Map.of("roll", 3));
            await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> assertThat(LabAdmin.running(node(1), "roll")).hasSize(3));
            // A new image, rolled start-first: each new task is ready before the old one leaves the balancers.
            LabAdmin.post(node(1), "/services/roll/update", Map.of("image", "img:2",
                    "updateConfig", Map.of("order", "start-first")));
            await().atMost(40, TimeUnit.SECONDS).untilAsserted(() -> assertThat(
                    LabAdmin.get(node(1), "/services/roll", new TypeReference<Map<String, Object>>() { }).get("outdated"))
                    .isEqualTo(0));
            await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> assertThat(LabAdmin.running(node(1), "roll")).hasSize(3));
            LabAdmin.post(node(1), "/nodes/node3/update", Map.of("availability", "drain"));
            await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> assertThat(LabAdmin.running(node(1), "roll"))
                    .hasSize(3).noneMatch(t -> t.node().equals("node3")));
            System.out.printf("RoutingMeshLabTest: scale-down, rolling image update and drain took %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(load.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String json = new String(load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, Object> summary = Json.read(json.getBytes(StandardCharsets.UTF_8),
                    new TypeReference<Map<String, Object>>() { });
            System.out.println("RoutingMeshLabTest: loadtest during the changes: " + json.strip());
            assertThat(((Number) summary.get("requests")).longValue()).isGreaterThan(5_000);
            assertThat(((Number) summary.get("errors")).longValue()).as(json).isZero();
        } finally {
            load.destroyForcibly();
            LabAdmin.post(node(1), "/nodes/node3/update", Map.of("availability", "active"));
            LabAdmin.post(node(1), "/services/remove", Map.of("services", List.of("roll")));
        }
    }

    private static List<String> awaitFetch(LabState.LabNode from, String url, int count) {
        List<String> answers = new ArrayList<>();
        await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            Result r = fetch(from, url, count, 2000);
            assertThat(r.exit()).as(r.out()).isZero();
            answers.clear();
            r.out().lines().filter(l -> l.matches("\\d+: .*")).map(l -> l.substring(l.indexOf(": ") + 2))
                    .forEach(answers::add);
            assertThat(answers).hasSize(count);
        });
        return answers;
    }

    private static Result fetch(LabState.LabNode from, String url, int count, int timeoutMillis) throws Exception {
        return inNode(from, SelfLauncher.current().resolve(List.of("trellis", "workload", "fetch", url, "--count",
                Integer.toString(count), "--timeout-ms", Integer.toString(timeoutMillis))));
    }

    private static String udpEcho(LabState.LabNode from, String host, int port) throws Exception {
        Result r = inNode(from, List.of("python3", "-c", "import socket; s = socket.socket(socket.AF_INET,"
                + " socket.SOCK_DGRAM); s.settimeout(1); s.sendto(b'ping', ('" + host + "', " + port + "));"
                + " print(s.recvfrom(100)[0].decode())"));
        return r.out().strip();
    }

    private record Result(int exit, String out) {
    }

    private static List<String> inNodeArgv(LabState.LabNode n, List<String> command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", n.namespace()));
        argv.addAll(command);
        return argv;
    }

    private static Result inNode(LabState.LabNode n, List<String> command) throws Exception {
        Process p = new ProcessBuilder(inNodeArgv(n, command)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out);
        }
        return new Result(p.exitValue(), out);
    }


    private static LabState.LabNode node(int i) {
        return nodes.get(i - 1);
    }

}
