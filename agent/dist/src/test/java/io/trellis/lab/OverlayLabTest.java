package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.TaskView;
import io.trellis.api.VipView;
import io.trellis.testing.agent.AgentCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Overlays in a three-node lab, as a Swarm user would try them: tasks on different nodes reach
 * each other by address and by service name (TCP through the VIP, UDP through the VIP), two
 * networks stay apart, every node's VIP table follows a scale-up, a killed backend gets no new
 * connection, 200 scale and drain changes leave no stale entry in any table or in DNS, an agent
 * restart gets its data plane back from the dispatcher alone, and nothing is left behind.
 */
@Tag("netns")
@ExtendWith(SharedLab.class)
class OverlayLabTest {
    private static Lab lab;
    private static List<LabState.LabNode> nodes;

    @BeforeAll
    static void up(SharedLab.Cluster cluster) {
        for (String tool : List.of("nsenter", "python3", "tcpdump")) {
            Assumptions.assumeTrue(LabAdmin.onPath(tool), () -> "OverlayLabTest skipped: " + tool + " is not installed");
        }
        lab = cluster.lab();
        nodes = cluster.nodes();
    }

    @Test
    void servicesTalkByNameAcrossNodesAndTablesFollowTheCluster() throws Exception {
        LabAdmin.post(node1(), "/networks", Map.of("name", "app", "driver", "overlay"));
        LabAdmin.post(node1(), "/networks", Map.of("name", "other", "driver", "overlay"));
        service("web", 3, "app", "trellis", "workload", "http", "--port", "80");
        LabAdmin.post(node1(), "/services", Map.of("name", "client", "image", "img", "mode", "global", "networks", List.of("app"),
                "command", List.of("trellis", "workload", "echo", "--port", "7")));
        service("uecho", 2, "app", "trellis", "workload", "echo", "--udp", "--port", "7");
        service("iso", 1, "other", "trellis", "workload", "http", "--port", "80");
        await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(LabAdmin.running(node1(), "web")).hasSize(3);
            assertThat(LabAdmin.running(node1(), "client")).extracting(TaskView::node).containsExactlyInAnyOrder("node1", "node2", "node3");
            assertThat(LabAdmin.running(node1(), "iso")).hasSize(1);
            assertThat(LabAdmin.running(node1(), "uecho")).hasSize(2);
        });
        awaitBackends("web", 3);
        TaskView first = onNode(LabAdmin.running(node1(), "client"), "node1");
        awaitAnswering(first, "web");

        // By name through the VIP, from every node, answered by more than one task.
        for (TaskView c : LabAdmin.running(node1(), "client")) {
            List<String> answers = fetch(c, "http://web:80/", 6);
            assertThat(answers).as("answers seen from " + c.name()).hasSize(6);
            assertThat(answers.stream().map(a -> a.split(" ")[0]).distinct().count()).isGreaterThan(1);
        }
        // By address, to a task on another node.
        TaskView client1 = onNode(LabAdmin.running(node1(), "client"), "node1");
        VipView.Backend remoteWeb = backends("node1", "web").stream().filter(b -> !b.node().equals("node1"))
                .findFirst().orElseThrow();
        assertThat(fetch(client1, "http://" + remoteWeb.address() + ":80/", 1)).singleElement()
                .asString().startsWith(remoteWeb.task());
        // UDP through the VIP and the embedded DNS.
        await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() ->
                assertThat(udpEcho(client1, "uecho", 7)).isEqualTo("ping"));

        // Two overlays do not see each other: neither the name nor the address.
        TaskView iso = LabAdmin.running(node1(), "iso").get(0);
        assertThat(run(iso, List.of("python3", "-c", "import socket; socket.gethostbyname('web')")).exit()).isNotZero();
        Result unreachable = run(iso, List.of("trellis", "workload", "fetch", "http://" + remoteWeb.address() + ":80/",
                "--timeout-ms", "500"));
        assertThat(unreachable.exit()).isNotZero();
        assertThat(unreachable.output()).contains("1: failed: "); // the fetch ran, and got nothing across


        // Scale 3 -> 6: every node's table follows.
        long scaled = System.nanoTime();
        LabAdmin.post(node1(), "/services/scale", Map.of("web", 6));
        awaitBackends("web", 6);
        System.out.printf("OverlayLabTest: 3 -> 6 replicas in every node's VIP table %d ms after the scale command%n",
                (System.nanoTime() - scaled) / 1_000_000);
        // And back: the tasks told to stop leave every table before they have even exited.
        long shrunk = System.nanoTime();
        LabAdmin.post(node1(), "/services/scale", Map.of("web", 3));
        awaitBackends("web", 3);
        System.out.printf("OverlayLabTest: 6 -> 3 replicas in every node's VIP table %d ms after the scale command%n",
                (System.nanoTime() - shrunk) / 1_000_000);
        LabAdmin.post(node1(), "/services/scale", Map.of("web", 6));
        awaitBackends("web", 6);

        // A killed backend leaves the tables and gets no new connection.
        TaskView victim = LabAdmin.running(node1(), "web").get(0);
        new ProcessBuilder("kill", "-9", Long.toString(victim.pid())).inheritIO().start().waitFor();
        await().atMost(10, TimeUnit.SECONDS).until(() -> LabAdmin.running(node1(), "web").stream().noneMatch(t -> t.id().equals(victim.id())));
        awaitTablesMatch("web");
        awaitAnswering(client1, "web");
        assertThat(fetch(client1, "http://web:80/", 12)).hasSize(12)
                .noneMatch(answer -> answer.contains(victim.id().substring(0, 12)));

        // 200 scale and drain changes, then every table and DNS name matches the running tasks.
        for (int i = 0; i < 200; i++) {
            LabAdmin.post(node1(), "/services/scale", Map.of("web", 2 + i % 5));
            if (i % 50 == 25) {
                LabAdmin.post(node1(), "/nodes/node3/update", Map.of("availability", i % 100 == 25 ? "drain" : "active"));
            }
        }
        LabAdmin.post(node1(), "/nodes/node3/update", Map.of("availability", "active"));
        LabAdmin.post(node1(), "/services/scale", Map.of("web", 4));
        await().atMost(30, TimeUnit.SECONDS).until(() -> LabAdmin.running(node1(), "web").size() == 4);
        awaitTablesMatch("web");
        Set<String> webAddresses = backends("node1", "web").stream().map(VipView.Backend::address)
                .collect(Collectors.toSet());
        for (TaskView c : LabAdmin.running(node1(), "client")) {
            await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
                    assertThat(resolveAll(c, "tasks.web")).as("tasks.web seen from " + c.node()).isEqualTo(webAddresses));
        }

        // An agent crash and restart: its tasks live on, and its data plane (interfaces, tables, DNS)
        // comes back from the dispatcher alone.
        lab.stop("node2", true);
        lab.start("node2");
        await().atMost(40, TimeUnit.SECONDS).untilAsserted(() -> {
            TaskView client2 = onNode(LabAdmin.running(node1(), "client"), "node2");
            assertThat(fetch(client2, "http://web:80/", 4)).hasSize(4);
            for (VipView.Backend b : backends("node1", "web")) {
                assertThat(fetch(client1, "http://" + b.address() + ":80/", 1)).singleElement().asString()
                        .startsWith(b.task());
            }
        });

        // An encrypted network: task to task across nodes works, and its VNI never crosses the underlay in clear.
        LabAdmin.post(node1(), "/networks", Map.of("name", "sec", "driver", "overlay", "opts", List.of("encrypted")));
        int vni = ((Number) LabAdmin.get(node1(), "/networks/sec", new TypeReference<Map<String, Object>>() { }).get("vni"))
                .intValue();
        LabAdmin.post(node1(), "/services", Map.of("name", "vault", "image", "img", "mode", "global", "networks", List.of("sec"),
                "command", List.of("trellis", "workload", "http", "--port", "80")));
        await().atMost(30, TimeUnit.SECONDS).until(() -> LabAdmin.running(node1(), "vault").size() == 3);
        TaskView vault1 = onNode(LabAdmin.running(node1(), "vault"), "node1");
        TaskView vault2 = onNode(LabAdmin.running(node1(), "vault"), "node2");
        String vault2Url = "http://" + vault2.networks().get(0).address() + ":80/";
        // Running means started: the workload's JVM may take a moment more to listen.
        await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().until(() -> fetch(vault1, vault2Url, 1).size() == 1);
        Capture clear = Capture.start(lab("node1").namespace(), "udp port 4789 and (udp[12:4] >> 8) = " + vni);
        Capture esp = Capture.start(lab("node1").namespace(), "udp port 4500");
        List<String> answers = fetch(vault1, vault2Url, 5);
        assertThat(answers).hasSize(5).allMatch(a -> a.startsWith(vault2.name()));
        assertThat(clear.stop()).as("VXLAN datagrams of the encrypted network in clear %s", clear).isZero();
        assertThat(esp.stop()).as("ESP datagrams %s", esp).isPositive();

        // Nothing is left behind.
        LabAdmin.post(node1(), "/services/remove", Map.of("services", List.of("web", "client", "iso", "uecho", "vault")));
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(taskNamespaces()).isEmpty();
            for (LabState.LabNode n : nodes) {
                assertThat(taps(n)).as("TAP devices left in " + n.name()).isEmpty();
            }
        });
    }

    /** Every node's VIP table for {@code service} lists exactly the addresses of its running tasks. */
    private static void awaitTablesMatch(String service) {
        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> {
            List<TaskView> tasks = LabAdmin.running(node1(), service);
            Set<String> runningNames = tasks.stream().map(TaskView::name).collect(Collectors.toSet());
            assertThat(runningNames).as("one running task per name").hasSize(tasks.size());
            for (LabState.LabNode n : nodes) {
                List<VipView.Backend> b = backends(n.name(), service);
                assertThat(b.stream().map(VipView.Backend::task).collect(Collectors.toSet()))
                        .as("backends of " + service + " on " + n.name()).isEqualTo(runningNames);
                assertThat(b).hasSize(runningNames.size());
            }
        });
    }

    /**
     * Until every backend of {@code service} answers at its own address: a task is a backend once it
     * runs, and a workload's JVM listens a moment later (health checks, which would wait for that,
     * are not there yet).
     */
    private static void awaitAnswering(TaskView client, String service) throws IOException {
        for (VipView.Backend b : backends(client.node(), service)) {
            await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() ->
                    assertThat(fetch(client, "http://" + b.address() + ":80/", 1)).hasSize(1));
        }
    }

    private static void awaitBackends(String service, int count) {
        // Polled every 20 ms: the times printed are read from these waits.
        await().atMost(20, TimeUnit.SECONDS).pollDelay(java.time.Duration.ZERO)
                .pollInterval(java.time.Duration.ofMillis(20)).untilAsserted(() -> {
            for (LabState.LabNode n : nodes) {
                assertThat(backends(n.name(), service)).as("backends of " + service + " on " + n.name()).hasSize(count);
            }
        });
    }

    private static List<VipView.Backend> backends(String node, String service) throws IOException {
        return LabAdmin.get(lab(node), "/vips", new TypeReference<List<VipView>>() { }).stream()
                .filter(v -> v.service().equals(service)).flatMap(v -> v.backends().stream()).toList();
    }

    private static void service(String name, int replicas, String network, String... command) throws IOException {
        LabAdmin.post(node1(), "/services", Map.of("name", name, "image", "img", "command", List.of(command),
                "replicas", replicas, "networks", List.of(network)));
    }

    private static TaskView onNode(List<TaskView> tasks, String node) {
        // An assertion, so that an await retries while a task is being replaced (a restarted node's, say).
        return tasks.stream().filter(t -> t.node().equals(node)).findFirst()
                .orElseThrow(() -> new AssertionError("no running task on " + node + " yet"));
    }

    /** {@code trellis workload fetch} inside the task (its resolv.conf). */
    private static List<String> fetch(TaskView task, String url, int count) throws Exception {
        Result r = run(task, List.of("trellis", "workload", "fetch", url,
                "--count", Integer.toString(count)));
        assertThat(r.exit()).as(r.output()).isZero();
        return r.output().lines().filter(l -> l.matches("\\d+: .*")).map(l -> l.substring(l.indexOf(": ") + 2)).toList();
    }

    private static String udpEcho(TaskView task, String host, int port) throws Exception {
        Result r = run(task, List.of("python3", "-c", "import socket,sys\n"
                + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(2)\n"
                + "s.sendto(b'ping',(sys.argv[1],int(sys.argv[2]))); print(s.recvfrom(100)[0].decode())",
                host, Integer.toString(port)));
        assertThat(r.exit()).as(r.output()).isZero();
        return r.output().strip();
    }

    private static Set<String> resolveAll(TaskView task, String name) throws Exception {
        Result r = run(task, List.of("python3", "-c", "import socket,sys\n"
                + "print('\\n'.join(sorted({a[4][0] for a in socket.getaddrinfo(sys.argv[1],80,socket.AF_INET)})))",
                name));
        assertThat(r.exit()).as(r.output()).isZero();
        return r.output().lines().filter(l -> !l.isBlank()).collect(Collectors.toSet());
    }

    private record Result(int exit, String output) {
    }

    /** tcpdump in a lab node's namespace, counting the packets that match a filter as it prints them. */
    private static final class Capture {
        private final Process process;
        private final java.util.concurrent.atomic.AtomicLong packets = new java.util.concurrent.atomic.AtomicLong();
        private final StringBuilder log = new StringBuilder();
        private final Thread reader;

        private Capture(Process process, java.io.BufferedReader lines) {
            this.process = process;
            this.reader = new Thread(() -> {
                try {
                    for (String l; (l = lines.readLine()) != null; ) {
                        if (l.contains(" IP ")) {
                            packets.incrementAndGet();
                        } else {
                            synchronized (log) {
                                log.append(l).append('\n');
                            }
                        }
                    }
                } catch (IOException closed) {
                    // tcpdump was stopped: what it printed before is counted
                }
            }, "capture");
            reader.setDaemon(true);
            reader.start();
        }

        static Capture start(String namespace, String filter) throws Exception {
            Process p = new ProcessBuilder("ip", "netns", "exec", namespace, "tcpdump", "-i", "any", "-n", "-l",
                    "--immediate-mode", filter)
                    .redirectErrorStream(true).start();
            java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
            // tcpdump says "listening on" once the filter is attached: only then does the test send.
            // Immediate mode: without it packets wait in the capture ring for up to a second, and a
            // capture stopped right after the traffic would count none (nor any that leaked in clear).
            String line;
            while ((line = r.readLine()) != null && !line.contains("listening on")) {
                assertThat(p.isAlive()).as("tcpdump: " + line).isTrue();
            }
            return new Capture(p, r);
        }

        long stop() throws Exception {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            reader.join(10_000);
            return packets.get();
        }

        @Override
        public String toString() {
            synchronized (log) {
                return log.toString();
            }
        }
    }

    /**
     * {@code command} inside the task, through {@code trellis exec}: its namespaces, resolver and sandbox, where the
     * test's own class path (perhaps under /tmp, which every task replaces) need not be visible.
     */
    private static Result run(TaskView task, List<String> command) throws Exception {
        List<String> args = new ArrayList<>(List.of(task.id(), "--"));
        args.addAll(command);
        AgentCli.Result r = AgentCli.execProcess(node1().host(), null, args.toArray(String[]::new));
        return new Result(r.exitCode(), r.out() + r.err());
    }

    private static Set<String> taskNamespaces() throws IOException {
        if (!Files.isDirectory(Lab.TASK_NETNS_DIR)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(Lab.TASK_NETNS_DIR)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static Set<String> taps(LabState.LabNode n) throws Exception {
        Process p = new ProcessBuilder("ip", "-n", n.namespace(), "-o", "link").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        Set<String> taps = new HashSet<>();
        out.lines().map(l -> l.split(": ")[1].split("@")[0]).filter(name -> name.startsWith("tl")).forEach(taps::add);
        return taps;
    }

    private static LabState.LabNode node1() {
        return nodes.get(0);
    }

    private static LabState.LabNode lab(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

}
