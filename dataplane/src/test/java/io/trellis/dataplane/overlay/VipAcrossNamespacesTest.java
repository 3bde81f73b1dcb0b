package io.trellis.dataplane.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.trellis.dataplane.lb.BackendStats;
import io.trellis.dataplane.lb.VipStats;
import io.trellis.dataplane.model.EndpointAddress;
import io.trellis.dataplane.model.EndpointInfo;
import io.trellis.dataplane.model.OverlayNetwork;
import io.trellis.dataplane.model.VipBackend;
import io.trellis.dataplane.model.VipService;
import io.trellis.dataplane.offload.OffloadMode;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.ipsec.keyring.KeyFile;
import io.trellis.ipsec.keyring.MasterKey;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.testing.netns.ScratchNamespaces;
import io.trellis.vxlan.ipv4.Ipv4Address;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A VIP across real namespaces: two nodes (OverlayDataplanes in their own namespaces on one
 * bridge), a client task and one backend on the first node, a second backend on the other. Each
 * backend runs a TCP server that greets with its name. Connections to VIP:port from the client
 * all succeed and reach both backends, on a plain and on an encrypted overlay; a connection whose
 * backend leaves the VIP's set is reset at its next segment instead of hanging. A backend calling
 * its own VIP (hairpin) connects every time, whether round robin picks it or another backend, and
 * when it is the VIP's only backend. A client that reuses a VIP connection's port for a direct
 * connection to the backend gets that backend's replies as they are. A least-conn VIP sends new
 * connections to the backend with fewer open ones, counting real TCP closes.
 */
@Tag("netns")
class VipAcrossNamespacesTest {
    static final OverlayNetwork NET = new OverlayNetwork("front", "front", 300, Ipv4Address.parse("10.20.0.0"), 24, 1450, false);
    static final OverlayNetwork SECRET = new OverlayNetwork("secret", "secret", 301, Ipv4Address.parse("10.30.0.0"), 24, 1450, true);
    static final List<MasterKey> KEYS = keys("4c80cdefbb5d10da906ac73c3613a634");
    static final String VIP = "10.20.0.100";
    static final String SECRET_VIP = "10.30.0.100";
    static final int PORT = 8080;
    static final VipBackend B1 = new VipBackend("b1", "n1", Ipv4Address.parse("10.20.0.3"));
    static final VipBackend B2 = new VipBackend("b2", "n2", Ipv4Address.parse("10.20.0.4"));
    /** Generous for a loaded machine; a hung connection would take this long to fail the test. */
    static final int READ_TIMEOUT_MILLIS = 5000;
    /** For connections that must not hang at all: a hung one fails fast. */
    static final int SHORT_TIMEOUT_MILLIS = 2000;

    @RegisterExtension
    static final ScratchNamespaces netns = new ScratchNamespaces("vip");
    private static final Map<String, OverlayDataplane> nodes = new LinkedHashMap<>();
    private static final List<ServerSocket> servers = new ArrayList<>();
    private static final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private static NetworkNamespace client;

    /** A task on {@code node}, with address .{@code host} on each network. */
    private record Ep(String id, String node, int host) {
        int ipv4(OverlayNetwork net) {
            return net.subnet() + host;
        }
    }

    private static final List<Ep> ENDPOINTS = List.of(new Ep("c", "n1", 2), new Ep("b1", "n1", 3), new Ep("b2", "n2", 4));

    private static List<MasterKey> keys(String key) {
        try {
            return KeyFile.parse(key, "test");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void build() throws Exception {
        netns.create("hub");
        netns.sh("hub", "ip link add br0 type bridge && ip link set br0 up");
        Map<String, NetworkNamespace> nodeNs = new HashMap<>();
        for (String node : List.of("n1", "n2")) {
            nodeNs.put(node, NetworkNamespace.open(netns.create(node).path()));
            String addr = "172.33.0." + node.substring(1);
            netns.sh("hub", "ip link add v" + node + " type veth peer name eth0 netns " + netns.path(node)
                    + " && ip link set v" + node + " master br0 up");
            netns.sh(node, "ip addr add " + addr + "/24 dev eth0 && ip link set eth0 up");
            InetAddress local = InetAddress.getByName(addr);
            OverlayDataplane dp = nodeNs.get(node).call(() -> OverlayDataplane.start(local, 4789, Transport.auto(true), OffloadMode.AUTO));
            nodes.put(node, dp);
            nodeNs.get(node).call(() -> {
                dp.addNetwork(NET);
                dp.addNetwork(SECRET); // binds the ESP socket in the node's namespace
                return null;
            });
            dp.setNetworkKeys(SECRET.id(), KEYS);
        }
        for (OverlayNetwork net : List.of(NET, SECRET)) {
            List<EndpointInfo> all = new ArrayList<>();
            String ifName = net == NET ? "eth0" : "eth1";
            for (Ep e : ENDPOINTS) {
                if (net == NET) {
                    netns.create(e.id());
                }
                OverlayDataplane dp = nodes.get(e.node());
                int ip = e.ipv4(net);
                nodeNs.get(e.node()).call(() -> {
                    dp.attach(net.id(), e.id() + "-" + net.id(), netns.path(e.id()), ifName, ip, EndpointAddress.macOf(ip));
                    return null;
                });
                int vtep = Ipv4Address.parse("172.33.0." + e.node().substring(1));
                all.add(new EndpointInfo(e.id() + "-" + net.id(), net.id(), ip, EndpointAddress.macOf(ip), vtep));
            }
            for (OverlayDataplane dp : nodes.values()) {
                dp.setRemoteEndpoints(net.id(), all);
            }
        }
        client = NetworkNamespace.open(netns.path("c"));
        for (String backend : List.of("b1", "b2")) {
            ServerSocket server = NetworkNamespace.open(netns.path(backend))
                    .call(() -> new ServerSocket(PORT, 50, InetAddress.getByName("0.0.0.0")));
            servers.add(server);
            Thread acceptor = new Thread(() -> serve(server, backend), "accept-" + backend);
            acceptor.setDaemon(true);
            acceptor.start();
        }
    }

    /** Greets every connection with the backend's name and holds it open until the client closes it. */
    private static void serve(ServerSocket server, String name) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.add(s);
                Thread holder = new Thread(() -> {
                    try (s) {
                        s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
                        while (s.getInputStream().read() >= 0) {
                            // drain until the client closes or the connection is reset
                        }
                    } catch (IOException e) {
                        // reset or closed by the test
                    }
                }, "hold-" + name);
                holder.setDaemon(true);
                holder.start();
            } catch (IOException e) {
                return; // closed at the end
            }
        }
    }

    @AfterAll
    static void tearDown() throws IOException {
        for (ServerSocket s : servers) {
            s.close();
        }
        for (Socket s : accepted) {
            s.close();
        }
        nodes.values().forEach(OverlayDataplane::close);
    }

    @BeforeEach
    void bothBackends() {
        for (OverlayDataplane dp : nodes.values()) {
            dp.setServices(NET.id(), List.of(new VipService("s1", "web", NET.id(), Ipv4Address.parse(VIP), List.of(B1, B2))));
            dp.setServices(SECRET.id(), List.of(new VipService("s2", "vault", SECRET.id(), Ipv4Address.parse(SECRET_VIP),
                    List.of(new VipBackend("b1", "n1", Ipv4Address.parse("10.30.0.3")),
                            new VipBackend("b2", "n2", Ipv4Address.parse("10.30.0.4"))))));
        }
    }

    private static Socket connect() throws Exception {
        return connect(VIP);
    }

    private static Socket connect(String vip) throws Exception {
        return connect(client, vip);
    }

    /** Connects from {@code from}'s namespace (the socket's fd is made at connect) to VIP:port. */
    private static Socket connect(NetworkNamespace from, String vip) throws Exception {
        Socket s = from.call(() -> {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(vip, PORT), READ_TIMEOUT_MILLIS);
            return socket;
        });
        s.setSoTimeout(READ_TIMEOUT_MILLIS);
        return s;
    }

    private static String greeting(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    @Test
    void connectionsToTheVipReachBothBackends() throws Exception {
        Map<String, Integer> perBackend = new HashMap<>();
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = connect();
                open.add(s);
                perBackend.merge(greeting(s), 1, Integer::sum);
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        assertThat(perBackend).containsOnlyKeys("b1", "b2");
        assertThat(perBackend.values()).allMatch(n -> n >= 5);
        netns.sh("c", "ping -c 2 -i 0.2 -W 2 " + VIP);

        OverlayDataplane n1 = nodes.get("n1");
        assertThat(n1.conntrackEntries()).isPositive();
        VipStats stats = n1.vipStats().stream().filter(v -> v.networkId().equals(NET.id())).findFirst().orElseThrow();
        assertThat(stats.serviceName()).isEqualTo("web");
        assertThat(stats.algorithm()).isEqualTo("rr");
        assertThat(stats.backends()).extracting(BackendStats::taskId).containsExactly("b1", "b2");
        assertThat(stats.backends()).allMatch(b -> b.packets() > 0 && b.bytes() > 0);
        // Only the client's node translates: the other node saw none of it.
        assertThat(nodes.get("n2").vipStats()).allMatch(v -> v.backends().stream().allMatch(b -> b.packets() == 0));
    }

    @Test
    void theVipOfAnEncryptedOverlayBalancesThroughEsp() throws Exception {
        long encrypted = nodes.get("n1").esp().counters().packetsEncrypted();
        Map<String, Integer> perBackend = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            try (Socket s = connect(SECRET_VIP)) {
                perBackend.merge(greeting(s), 1, Integer::sum);
            }
        }
        assertThat(perBackend).containsOnlyKeys("b1", "b2");
        assertThat(nodes.get("n1").esp().counters().packetsEncrypted()).isGreaterThan(encrypted);
        assertThat(nodes.get("n1").vipStats()).filteredOn(v -> v.networkId().equals(SECRET.id())).singleElement()
                .satisfies(v -> assertThat(v.backends()).allMatch(b -> b.packets() > 0));
    }

    /** Opens {@code n} connections one after another from {@code task}'s namespace: greetings per backend. */
    private static Map<String, Integer> greetingsFrom(String task, int n) throws Exception {
        NetworkNamespace from = NetworkNamespace.open(netns.path(task));
        Map<String, Integer> perBackend = new HashMap<>();
        for (int i = 0; i < n; i++) {
            try (Socket s = connect(from, VIP)) {
                perBackend.merge(greeting(s), 1, Integer::sum);
            }
        }
        return perBackend;
    }

    @Test
    void aBackendReachesItsOwnVipEveryTime() throws Exception {
        // Round robin alternates: b1 gets itself every other time. (Only from n1's b1: other tests
        // expect n2, which hosts no client of theirs, to have translated nothing.)
        assertThat(greetingsFrom("b1", 10)).containsOnlyKeys("b1", "b2").containsEntry("b1", 5);
        // A service of one replica calling itself: every connection is a hairpin.
        for (OverlayDataplane dp : nodes.values()) {
            dp.setServices(NET.id(), List.of(new VipService("s1", "web", NET.id(), Ipv4Address.parse(VIP), List.of(B1))));
        }
        assertThat(greetingsFrom("b1", 10)).containsExactly(Map.entry("b1", 10));
        netns.sh("b1", "ping -c 2 -i 0.2 -W 2 " + VIP);
    }

    /**
     * The client alternates the VIP and the backends' own addresses from a narrow port range, so
     * its kernel soon opens a direct connection from a port whose VIP connection, balanced to the
     * same backend, still has its entry (closing, 10 s). The backend's replies must not be taken
     * for the VIP connection's: every connection gets its greeting well within the read timeout.
     */
    @Test
    void directConnectionsOnPortsTheVipJustUsedAreNotTranslated() throws Exception {
        String range = netns.sh("c", "sysctl -n net.ipv4.ip_local_port_range").trim();
        String reuse = netns.sh("c", "sysctl -n net.ipv4.tcp_tw_reuse").trim();
        // As many ports as the VIP gets connections: no destination ever waits for a TIME_WAIT to end.
        netns.sh("c", "sysctl -q -w net.ipv4.ip_local_port_range='40000 40099' net.ipv4.tcp_tw_reuse=1");
        NetworkNamespace from = NetworkNamespace.open(netns.path("c"));
        List<String> direct = List.of("10.20.0.3", "10.20.0.4");
        try {
            for (int i = 0; i < 200; i++) {
                String to = i % 2 == 0 ? VIP : direct.get(i / 2 % 2);
                try (Socket s = from.call(() -> {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress(to, PORT), SHORT_TIMEOUT_MILLIS);
                    return socket;
                })) {
                    s.setSoTimeout(SHORT_TIMEOUT_MILLIS);
                    String greeting = greeting(s);
                    if (to.equals(VIP)) {
                        assertThat(greeting).as("connection %d, to %s", i, to).isIn("b1", "b2");
                    } else {
                        assertThat(greeting).as("connection %d, to %s", i, to).isEqualTo(to.equals("10.20.0.3") ? "b1" : "b2");
                    }
                }
            }
        } finally {
            netns.sh("c", "sysctl -q -w net.ipv4.ip_local_port_range='" + range + "' net.ipv4.tcp_tw_reuse=" + reuse);
        }
        // The case did arise: NAT entries gave way to direct connections on their tuples.
        assertThat(nodes.get("n1").counters(NET.id()).natSuperseded.sum()).isPositive();
    }

    @Test
    void aConnectionToARemovedBackendIsResetNotHung() throws Exception {
        Socket s = connect();
        try (s) {
            String backend = greeting(s);
            VipBackend stays = backend.equals("b1") ? B2 : B1;
            nodes.get("n1").setServices(NET.id(),
                    List.of(new VipService("s1", "web", NET.id(), Ipv4Address.parse(VIP), List.of(stays))));
            assertThatThrownBy(() -> {
                OutputStream out = s.getOutputStream();
                out.write("still there?\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                s.getInputStream().read();
            }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
            // New connections go to the backend that stays.
            try (Socket next = connect()) {
                assertThat(greeting(next)).isEqualTo(stays.taskId());
            }
        }
    }

    /**
     * least-conn over real TCP: of three connections held open, the backend with one gets the fourth;
     * once the client has closed the other backend's two (their FINs crossed the switch when that
     * backend sees the end of its stream), the next two connections both go there, where round robin
     * would alternate.
     */
    @Test
    void aLeastConnVipSendsNewConnectionsToTheBackendWithFewerOpenOnes() throws Exception {
        for (OverlayDataplane dp : nodes.values()) {
            dp.setServices(NET.id(), List.of(new VipService("s1", "web", NET.id(), Ipv4Address.parse(VIP),
                    List.of(B1, B2), "least-conn")));
        }
        assertThat(nodes.get("n1").vipStats()).filteredOn(v -> v.networkId().equals(NET.id())).singleElement()
                .extracting(VipStats::algorithm).isEqualTo("least-conn");
        Map<Socket, String> open = new LinkedHashMap<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = connect();
                open.put(s, greeting(s));
            }
            String heavy = open.values().stream().filter(b -> Collections.frequency(open.values(), b) == 2)
                    .findFirst().orElseThrow();
            String light = heavy.equals("b1") ? "b2" : "b1";
            Socket fourth = connect();
            open.put(fourth, greeting(fourth));
            assertThat(open.get(fourth)).isEqualTo(light);

            Set<Integer> closedPorts = new HashSet<>();
            for (Iterator<Map.Entry<Socket, String>> it = open.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Socket, String> e = it.next();
                if (e.getValue().equals(heavy)) {
                    closedPorts.add(e.getKey().getLocalPort());
                    e.getKey().close();
                    it.remove();
                }
            }
            assertThat(closedPorts).hasSize(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> accepted.stream()
                    .filter(a -> closedPorts.contains(a.getPort())).allMatch(Socket::isClosed));
            for (int i = 0; i < 2; i++) {
                Socket s = connect();
                open.put(s, greeting(s));
                assertThat(open.get(s)).as("connection %d after the close", i).isEqualTo(heavy);
            }
        } finally {
            for (Socket s : open.keySet()) {
                s.close();
            }
        }
    }
}
