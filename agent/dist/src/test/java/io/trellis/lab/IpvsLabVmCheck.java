package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.TaskView;
import io.trellis.api.VipView;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.testing.netns.Commands;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Runs inside {@link IpvsLabVmTest}'s VM, whose kernel has IPVS: a three-node lab whose agents all balance with
 * {@code --lb ipvs}, node3 also switching its overlays with {@code --dataplane kernel} while node1 and node2 use the
 * user-space path. It prints one {@code CHECK name ok} line per property and exits non-zero at the first that fails.
 * The tasks are busybox, not JVMs, and every call to the agents is made in this JVM: under emulation each new JVM
 * costs tens of seconds.
 */
public final class IpvsLabVmCheck {
    static final List<String> AGENT_FLAGS = List.of("--lb=ipvs", "node3:--dataplane=kernel",
            // Emulation is slow enough for Raft's defaults (400 ms, 3 s) to time out; on KVM these cost nothing.
            "--raft-election-timeout=2s", "--raft-request-timeout=30s",
            // Nor is the lab's 1 s heartbeat: a late one marks a node Down and its tasks are replaced.
            "--heartbeat-period=5s");
    /** Each of the six tasks starts a JVM (its sandbox) first: under emulation that alone takes minutes. */
    private static final Duration WAIT = Duration.ofMinutes(30);
    /** A web server that answers with its task's and node's names. */
    private static final List<String> WHOAMI = List.of("sh", "-c", "mkdir -p /tmp/www && echo \"$TRELLIS_TASK_NAME"
            + " $TRELLIS_NODE_HOSTNAME\" > /tmp/www/index.html && exec busybox httpd -f -p 80 -h /tmp/www");
    private static final Pattern MARK_RULE = Pattern.compile("-d (\\d+\\.\\d+\\.\\d+\\.\\d+)/32 .*--set-xmark 0x([0-9a-f]+)/");

    private IpvsLabVmCheck() {
    }

    public static void main(String[] args) throws Exception {
        Lab lab = new Lab(new PrintWriter(System.out, true));
        try {
            check(lab);
            System.out.println("CHECK all ok");
        } finally {
            lab.down();
        }
    }

    private static void check(Lab lab) throws Exception {
        List<LabState.LabNode> nodes = lab.up(new LabPlan(3, 1, AGENT_FLAGS, Duration.ofMinutes(15)));
        LabState.LabNode node1 = nodes.get(0);
        System.out.println("CHECK lab-up ok");

        LabAdmin.post(node1, "/networks", Map.of("name", "appnet", "driver", "overlay"));
        LabAdmin.post(node1, "/services", Map.of("name", "whoami", "image", "busybox", "mode", "global",
                "networks", List.of("appnet"), "publish", List.of("8080:80"), "command", WHOAMI));
        // Clients on one node of each data path are enough, and each task costs a JVM start (its sandbox).
        LabAdmin.post(node1, "/services", Map.of("name", "client", "image", "busybox", "mode", "global",
                "constraints", List.of("node.hostname!=node2"), "networks", List.of("appnet"),
                "command", List.of("sleep", "86400")));
        try {
            long start = System.nanoTime();
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(10)).untilAsserted(() -> {
                int whoami = LabAdmin.running(node1, "whoami").size();
                int client = LabAdmin.running(node1, "client").size();
                System.out.printf("%d s: whoami %d/3, client %d/2 running; nodes %s%n",
                        (System.nanoTime() - start) / 1_000_000_000, whoami, client, LabBaseline.nodeStates(node1).entrySet()
                                .stream().map(e -> e.getKey() + "=" + e.getValue().status()).toList());
                assertThat(whoami).isEqualTo(3);
                assertThat(client).isEqualTo(2);
            });
        } catch (ConditionTimeoutException e) {
            for (String service : List.of("whoami", "client")) {
                LabAdmin.get(node1, "/services/" + service + "/tasks", new TypeReference<List<TaskView>>() { })
                        .forEach(t -> System.out.println(t.name() + " on " + t.node() + ": " + t.state() + " "
                                + t.message() + " " + t.error()));
            }
            for (LabState.LabNode n : nodes) {
                List<String> log = Files.readAllLines(Path.of(n.dataDir(), "agent.log"));
                log.subList(Math.max(0, log.size() - 15), log.size()).forEach(l -> System.out.println(n.name() + ": " + l));
            }
            throw e;
        }
        System.out.println("CHECK services-running ok");

        // A published port answers on a user-space node and on the kernel-path node, from tasks on every node:
        // node1's and node3's IPVS send each connection over the ingress overlay to a task, wherever it runs.
        for (LabState.LabNode asked : List.of(node1, nodes.get(2))) {
            Set<String> from = awaitAnswers(LabNetwork.pathOf(nodes.get(1).namespace()), asked.address(), 8080, 3);
            System.out.println("CHECK published-port-on-" + asked.name() + " ok " + from);
        }

        // The kernel's tables, as ipvsadm lists them, are what vip ls says.
        for (LabState.LabNode n : List.of(node1, nodes.get(2))) {
            List<VipView> vips = LabAdmin.get(n, "/vips", new TypeReference<List<VipView>>() { });
            assertThat(vips).allMatch(v -> VipView.IPVS.equals(v.balancer()), "balanced by IPVS");
            Set<String> listedPorts = publishedRows(vips);
            assertThat(listedPorts).as("vip ls on " + n.name()).anyMatch(r -> r.startsWith("TCP " + n.address() + ":8080 rr -> "));
            assertThat(ipvsadm(LabNetwork.pathOf(n.namespace()))).as("ipvsadm -Ln in " + n.namespace())
                    .isEqualTo(listedPorts);
            System.out.println("CHECK published-table-matches-ipvsadm-on-" + n.name() + " ok " + listedPorts.size() + " rows");

            TaskView client = LabAdmin.running(node1, "client").stream().filter(t -> t.node().equals(n.name()))
                    .findFirst().orElseThrow();
            Path clientNs = Path.of("/proc", Long.toString(client.pid()), "ns", "net");
            Set<String> kernelVips = vipRows(clientNs);
            // The client is on appnet alone: the node's other VIPs (ingress) live in other tasks' namespaces.
            List<VipView> appnet = vips.stream().filter(v -> "appnet".equals(v.network())).toList();
            assertThat(kernelVips).as("ipvsadm -Ln and the VIP marks in " + client.name()).isEqualTo(vipRows(appnet));
            System.out.println("CHECK vip-table-matches-ipvsadm-on-" + n.name() + " ok " + kernelVips);

            // Through the VIP, from a user-space node's task and from the kernel-path node's: every node answers,
            // so the two data paths carry each other's overlay traffic.
            String vip = vips.stream().filter(v -> v.service().equals("whoami") && v.network().equals("appnet"))
                    .findFirst().orElseThrow().vip();
            Set<String> from = awaitAnswers(clientNs, vip, 80, 3);
            System.out.println("CHECK vip-from-" + n.name() + " ok " + from);
        }
    }

    /** Asks until answers came from {@code nodes} different nodes, each request on a new connection. */
    private static Set<String> awaitAnswers(Path namespace, String address, int port, int nodes) {
        Set<String> answeredBy = new TreeSet<>();
        // A task counts as running once started, a moment before it listens: refused connections are retried.
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            answeredBy.add(get(namespace, address, port));
            assertThat(answeredBy.stream().map(a -> a.substring(a.indexOf(' ') + 1)).distinct()).hasSize(nodes);
        });
        return answeredBy;
    }

    /** One HTTP GET from inside a namespace (a lab node's pin, or a task's {@code /proc/PID/ns/net}). */
    private static String get(Path namespace, String address, int port) throws Exception {
        return NetworkNamespace.open(namespace).call(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 5_000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("GET / HTTP/1.0\r\nHost: " + address + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(response).startsWith("HTTP/1.").contains(" 200 ");
                return response.substring(response.indexOf("\r\n\r\n") + 4).strip();
            }
        });
    }


    /** {@code vip ls}'s published ports as {@code PROT ADDR:PORT SCHED -> RS:PORT} rows. */
    static Set<String> publishedRows(List<VipView> vips) {
        Set<String> rows = new TreeSet<>();
        for (VipView v : vips) {
            if (!"vip".equals(v.mode())) {
                String service = v.protocol() + " " + v.vip() + " " + v.algorithm();
                v.backends().forEach(b -> rows.add(service + " -> " + b.address()));
            }
        }
        return rows;
    }

    /** {@code vip ls}'s VIPs as {@code VIP SCHED -> BACKEND} rows. */
    static Set<String> vipRows(List<VipView> vips) {
        Set<String> rows = new TreeSet<>();
        for (VipView v : vips) {
            if ("vip".equals(v.mode())) {
                v.backends().forEach(b -> rows.add(v.vip() + " " + v.algorithm() + " -> " + b.address()));
            }
        }
        return rows;
    }

    /**
     * A task's VIP table as the kernel has it: the mangle rules that mark each VIP, joined with {@code ipvsadm -Ln}'s
     * firewall-mark services, as {@code VIP SCHED -> BACKEND} rows.
     */
    static Set<String> vipRows(Path namespace) throws Exception {
        Map<Long, String> vipOfMark = new HashMap<>();
        Matcher m = MARK_RULE.matcher(run(namespace, "iptables", "-t", "mangle", "-S", "TRELLIS-VIP"));
        while (m.find()) {
            vipOfMark.put(Long.parseLong(m.group(2), 16), m.group(1));
        }
        Set<String> rows = new TreeSet<>();
        for (String row : ipvsadm(namespace)) {
            if (row.startsWith("FWM ")) {
                String[] f = row.split(" ");
                String vip = vipOfMark.getOrDefault(Long.parseLong(f[1]), "unmarked-fwm-" + f[1]);
                String backend = f.length > 4 ? f[4].replaceAll(":0$", "") : "";
                rows.add(vip + " " + f[2] + " -> " + backend);
            }
        }
        return rows;
    }

    /** {@code ipvsadm -Ln} in {@code namespace} as {@code PROT ADDR SCHED -> RS} rows (a service alone if it has none). */
    static Set<String> ipvsadm(Path namespace) throws Exception {
        return IpvsadmListing.rows(run(namespace, "ipvsadm", "-Ln"));
    }

    private static String run(Path namespace, String... command) throws IOException {
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + namespace, "--"));
        argv.addAll(List.of(command));
        return Commands.run(argv, false);
    }
}
