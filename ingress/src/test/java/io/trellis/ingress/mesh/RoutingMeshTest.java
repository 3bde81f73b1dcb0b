package io.trellis.ingress.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.dataplane.balance.Backend;
import io.trellis.dataplane.vtep.Transport;
import io.trellis.ingress.proxy.BackendSockets;
import io.trellis.ingress.proxy.ProxyEventLoops;
import io.trellis.ingress.proxy.ProxyProtocol;
import io.trellis.ingress.proxy.TcpProxyOptions;
import io.trellis.ingress.proxy.UdpProxyOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The routing mesh of one node over loopback backends: plans in, listeners and backend sets out. */
class RoutingMeshTest {
    private ProxyEventLoops loops;
    private RoutingMesh mesh;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() {
        loops = new ProxyEventLoops(Transport.auto(), 1);
        mesh = new RoutingMesh(loops, BackendSockets.HERE, TcpProxyOptions.defaults(), UdpProxyOptions.defaults());
    }

    @AfterEach
    void stop() throws Exception {
        mesh.close();
        loops.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void servesAPlanAndFollowsItsBackendsWithoutClosingTheListener() throws Exception {
        NamedBackend a = backend("a");
        NamedBackend b = backend("b");
        int port = freePort();
        mesh.apply(List.of(plan(port, "rr", a, b)), Set.of(loopback()));
        assertThat(List.of(ask(port), ask(port), ask(port), ask(port))).containsOnly("a", "b").contains("a", "b");
        PublishedListener listener = mesh.listeners().get(0);

        // b leaves the plan: new connections go to a only, and the listener is the same one.
        mesh.apply(List.of(plan(port, "rr", a)), Set.of(loopback()));
        assertThat(List.of(ask(port), ask(port), ask(port))).containsOnly("a");
        assertThat(mesh.listeners()).singleElement().isSameAs(listener);

        // Another algorithm needs another listener.
        mesh.apply(List.of(plan(port, "maglev", a)), Set.of(loopback()));
        assertThat(mesh.listeners()).singleElement().isNotSameAs(listener);
        assertThat(mesh.listeners().get(0).algorithm()).isEqualTo("maglev");

        // No plan, no listener.
        mesh.apply(List.of(), Set.of());
        assertThat(mesh.listeners()).isEmpty();
        assertThat(refused(port)).isTrue();
    }

    @Test
    void connectionsToATaskThatIsGoneAreResetButThoseToADrainingOneStay() throws Exception {
        NamedBackend a = backend("a");
        int port = freePort();
        mesh.apply(List.of(plan(port, "rr", a)), Set.of(loopback()));
        Socket held = new Socket(InetAddress.getLoopbackAddress(), port);
        closing.add(held);
        held.setSoTimeout(5_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(held.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(in.readLine()).isEqualTo("a");

        // Draining: out of the plan, but its task still exists (its address is an endpoint): the connection stays.
        mesh.apply(List.of(plan(port, "rr")), Set.of(loopback()));
        held.getOutputStream().write('x');
        assertThat(held.isClosed()).isFalse();
        assertThat(mesh.listeners().get(0).connectionsTo(a.address())).isEqualTo(1);

        // Gone: its address is no endpoint any more, so the connection is reset at once.
        mesh.apply(List.of(plan(port, "rr")), Set.of());
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
            try {
                assertThat(held.getInputStream().read()).isEqualTo(-1);
            } catch (SocketException reset) {
                assertThat(reset.getMessage()).containsIgnoringCase("reset");
            }
        });
    }

    @Test
    void aPortThatCannotBeBoundIsReportedAndTheOthersStillServe() throws Exception {
        NamedBackend a = backend("a");
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"));
        closing.add(taken);
        int free = freePort();
        mesh.apply(List.of(plan(taken.getLocalPort(), "rr", a), plan(free, "rr", a)), Set.of(loopback()));
        assertThat(mesh.failures()).containsOnlyKeys(taken.getLocalPort() + "/tcp");
        assertThat(ask(free)).isEqualTo("a");
        taken.close();
        mesh.apply(List.of(plan(taken.getLocalPort(), "rr", a), plan(free, "rr", a)), Set.of(loopback()));
        assertThat(mesh.failures()).isEmpty();
        assertThat(ask(taken.getLocalPort())).isEqualTo("a");
    }

    private NamedBackend backend(String name) throws IOException {
        NamedBackend b = new NamedBackend(name);
        closing.add(b);
        return b;
    }

    private static PortPlan plan(int port, String algorithm, NamedBackend... backends) {
        List<Backend> list = new ArrayList<>();
        for (NamedBackend b : backends) {
            list.add(new Backend(b.name(), b.address()));
        }
        return new PortPlan(port, false, "svc", "web", "ingress", algorithm, ProxyProtocol.NONE, list);
    }

    private static String ask(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
