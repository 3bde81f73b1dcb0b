package io.trellis.daemon.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.controlplane.allocator.Ipv4Subnet;
import io.trellis.daemon.tools.SystemTools;
import io.trellis.dataplane.balance.Backend;
import io.trellis.dataplane.lb.VipStats;
import io.trellis.dataplane.model.VipBackend;
import io.trellis.dataplane.model.VipService;
import io.trellis.ingress.mesh.PortPlan;
import io.trellis.ingress.proxy.ProxyProtocol;
import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The IPVS balancer against a kernel that has IPVS: run inside {@code KernelVm} by {@link IpvsBalancerVmTest}, as
 * root, after its script built the topology (namespaces {@code c}, {@code s1}, {@code s2}, {@code sb} and
 * {@code ext}; see there). Prints one {@code CHECK <name> ok} line per check passed; a failed check throws, which
 * ends the JVM with a non-zero status.
 */
public final class IpvsBalancerVmCheck {
    private static final Path NETNS = Path.of("/run/netns");
    private static final int VIP = Ipv4Subnet.parseAddress("10.0.0.100");
    private static final int S1 = Ipv4Subnet.parseAddress("10.0.0.3");
    private static final int S2 = Ipv4Subnet.parseAddress("10.0.0.4");

    private IpvsBalancerVmCheck() {
    }

    public static void main(String[] args) throws Exception {
        SystemTools tools = SystemTools.system();
        assertThat(IpvsBalancer.missing(tools)).isEmpty();
        System.out.println("CHECK ipvs-available ok");
        try (IpvsBalancer balancer = new IpvsBalancer(tools)) {
            vips(balancer, tools);
            publishedPorts(balancer, tools);
        }
        System.out.println("CHECK closed ok");
    }

    private static void vips(IpvsBalancer balancer, SystemTools tools) throws Exception {
        VipService web = new VipService("svc-web", "web", "net1", VIP,
                List.of(new VipBackend("t-s1", "node1", S1), new VipBackend("t-s2", "node1", S2)), "rr");
        balancer.vips().setServices("net1", List.of(web));
        balancer.vips().attach("t-c", NETNS.resolve("c"), List.of("net1"));
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(fetch("c", "10.0.0.100", 80));
        }
        assertThat(answers).containsOnly("from-s1", "from-s2").contains("from-s1", "from-s2");
        System.out.println("CHECK vip-balances ok " + answers);

        String table = inNamespace(tools, "c", "ipvsadm", "-Ln");
        assertThat(table).contains("FWM  " + Integer.toUnsignedString(VipMarks.markOf(VIP)) + " rr")
                .contains("10.0.0.3:0", "10.0.0.4:0");
        VipStats stats = balancer.vips().stats().get(0);
        assertThat(stats.vip()).isEqualTo(VIP);
        assertThat(stats.backends()).extracting(b -> Ipv4Subnet.format(b.ipv4()))
                .containsExactlyInAnyOrder("10.0.0.3", "10.0.0.4");
        assertThat(stats.backends().stream().mapToLong(b -> b.activeConnections() + b.inactiveConnections()).sum())
                .isPositive();
        System.out.println("CHECK vip-table-matches-ipvsadm ok");

        // A backend leaves: the diff removes it and only it.
        balancer.vips().setServices("net1", List.of(new VipService("svc-web", "web", "net1", VIP,
                List.of(new VipBackend("t-s2", "node1", S2)), "rr")));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !inNamespace(tools, "c", "ipvsadm", "-Ln").contains("10.0.0.3"));
        for (int i = 0; i < 3; i++) {
            assertThat(fetch("c", "10.0.0.100", 80)).isEqualTo("from-s2");
        }
        System.out.println("CHECK vip-backend-removed ok");

        // Someone deletes the service behind the agent's back: the next check puts it back.
        inNamespace(tools, "c", "ipvsadm", "-D", "-f", Integer.toUnsignedString(VipMarks.markOf(VIP)));
        await().atMost(Duration.ofSeconds(3 * IpvsBalancer.CHECK_SECONDS))
                .until(() -> inNamespace(tools, "c", "ipvsadm", "-Ln").contains("10.0.0.4:0"));
        assertThat(fetch("c", "10.0.0.100", 80)).isEqualTo("from-s2");
        System.out.println("CHECK vip-drift-repaired ok");

        // The algorithm changes: the scheduler is changed in place.
        balancer.vips().setServices("net1", List.of(new VipService("svc-web", "web", "net1", VIP,
                List.of(new VipBackend("t-s1", "node1", S1), new VipBackend("t-s2", "node1", S2)), "maglev")));
        await().atMost(Duration.ofSeconds(20)).until(() -> inNamespace(tools, "c", "ipvsadm", "-Ln").contains(" mh"));
        System.out.println("CHECK vip-scheduler-mh ok");
    }

    private static void publishedPorts(IpvsBalancer balancer, SystemTools tools) throws Exception {
        balancer.link().connect(NETNS.resolve("sb"), "10.0.0.0/24", "eth0");
        PortPlan plan = new PortPlan(8080, false, "svc-web", "web", "ingress", "rr", ProxyProtocol.NONE, List.of(
                new Backend("t-s1", new InetSocketAddress("10.0.0.3", 80), 1),
                new Backend("t-s2", new InetSocketAddress("10.0.0.4", 80), 1)));
        assertThat(IpvsPublishedPorts.servable(plan)).isTrue();
        List<String> done = balancer.ports().apply(List.of(plan));
        assertThat(done).contains("added TCP 192.168.60.1:8080");
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(fetch("ext", "192.168.60.1", 8080));
        }
        assertThat(answers).contains("from-s1", "from-s2");
        System.out.println("CHECK published-port-balances ok " + answers);

        assertThat(balancer.ports().apply(List.of(plan))).isEmpty();
        System.out.println("CHECK published-port-idempotent ok");

        String table = tools.run("ipvsadm", "", 10, "-Ln");
        assertThat(table).contains("TCP  192.168.60.1:8080 rr").contains("10.0.0.3:80", "10.0.0.4:80")
                .doesNotContain("127.0.0.1:8080").doesNotContain("169.254.77.1:8080");
        var listed = balancer.ports().listing();
        assertThat(listed.keySet()).extracting(Object::toString).contains("TCP 192.168.60.1:8080");
        System.out.println("CHECK published-table-matches-ipvsadm ok");

        tools.run("ipvsadm", "", 10, "-d", "-t", "192.168.60.1:8080", "-r", "10.0.0.3:80");
        await().atMost(Duration.ofSeconds(3 * IpvsBalancer.CHECK_SECONDS))
                .until(() -> tools.run("ipvsadm", "", 10, "-Ln").contains("10.0.0.3:80"));
        System.out.println("CHECK published-drift-repaired ok");

        assertThat(balancer.ports().apply(List.of())).contains("removed TCP 192.168.60.1:8080");
        assertThat(tools.run("ipvsadm", "", 10, "-Ln")).doesNotContain("8080");
        System.out.println("CHECK published-port-removed ok");
    }

    /**
     * One answer through {@code host:port} from namespace {@code ns}. The test servers are shell loops that listen
     * again after each answer, so a connection arriving in between is refused: it is tried again.
     */
    private static String fetch(String ns, String host, int port) {
        return await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(ConnectException.class)
                .until(() -> connect(ns, host, port), answer -> !answer.isEmpty());
    }

    /**
     * One connection from namespace {@code ns}: what the server sends before it closes. The channel's socket is made
     * inside the namespace (a {@code java.net.Socket} would make its own only at connect, back in ours).
     */
    private static String connect(String ns, String host, int port) throws Exception {
        SocketChannel ch = NetworkNamespace.open(NETNS.resolve(ns)).call(SocketChannel::open);
        try (ch) {
            ch.socket().connect(new InetSocketAddress(host, port), 5000);
            ch.socket().setSoTimeout(5000);
            InputStream in = ch.socket().getInputStream();
            return new String(in.readNBytes(64), StandardCharsets.UTF_8).strip();
        }
    }

    private static String inNamespace(SystemTools tools, String ns, String... argv) throws IOException {
        List<String> args = new ArrayList<>(List.of("--net=" + NETNS.resolve(ns), tools.resolve(argv[0]).toString()));
        args.addAll(List.of(argv).subList(1, argv.length));
        return tools.run("nsenter", "", 10, args.toArray(String[]::new));
    }
}
