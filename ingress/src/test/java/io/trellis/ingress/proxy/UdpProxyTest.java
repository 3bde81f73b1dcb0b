package io.trellis.ingress.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.dataplane.vtep.Transport;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UdpProxyTest {
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private ProxyEventLoops loops;

    @BeforeEach
    void startLoops() {
        loops = new ProxyEventLoops(Transport.auto(), 2);
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable resource = resources.pollLast(); resource != null; resource = resources.pollLast()) {
            resource.close();
        }
        loops.close();
    }

    private <T extends AutoCloseable> T closing(T resource) {
        resources.add(resource);
        return resource;
    }

    private UdpProxy proxy(BackendChooser chooser, UdpProxyOptions options) {
        return closing(UdpProxy.bind(loops, LOOPBACK_ANY_PORT, chooser, options));
    }

    private DatagramSocket client() throws IOException {
        DatagramSocket socket = closing(new DatagramSocket(LOOPBACK_ANY_PORT));
        socket.setSoTimeout(5_000);
        return socket;
    }

    /** Sends {@code text} to the proxy and returns the answer, checking that it came from the proxy's port. */
    private static String ask(DatagramSocket client, UdpProxy proxy, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(bytes, bytes.length, proxy.localAddress()));
        DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
        client.receive(reply);
        assertThat(reply.getSocketAddress()).isEqualTo(proxy.localAddress());
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
    }

    private static void send(DatagramSocket client, UdpProxy proxy, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(bytes, bytes.length, proxy.localAddress()));
    }

    private static BackendChooser roundRobin(InetSocketAddress... backends) {
        AtomicInteger next = new AtomicInteger();
        return (client, excluded) -> backends[next.getAndIncrement() % backends.length];
    }

    @Test
    void repliesComeBackFromTheListenersAddress() throws Exception {
        UdpEchoServer backend = closing(new UdpEchoServer("a"));
        UdpProxy proxy = proxy(roundRobin(backend.address()), UdpProxyOptions.defaults());
        DatagramSocket client = client();

        assertThat(ask(client, proxy, "ping")).isEqualTo("a:ping");
        assertThat(ask(client, proxy, "pong")).isEqualTo("a:pong");

        UdpProxyCounters counters = proxy.counters();
        assertThat(counters.flowsCreated()).isEqualTo(1);
        assertThat(counters.activeFlows()).isEqualTo(1);
        assertThat(counters.datagramsFromClients()).isEqualTo(2);
        assertThat(counters.datagramsFromBackends()).isEqualTo(2);
        assertThat(counters.bytesFromClients()).isEqualTo(8);
        assertThat(counters.bytesFromBackends()).isEqualTo(12);
    }

    @Test
    void eachClientStaysOnItsBackend() throws Exception {
        UdpEchoServer a = closing(new UdpEchoServer("a"));
        UdpEchoServer b = closing(new UdpEchoServer("b"));
        UdpProxy proxy = proxy(roundRobin(a.address(), b.address()), UdpProxyOptions.defaults());
        DatagramSocket first = client();
        DatagramSocket second = client();

        for (int i = 0; i < 3; i++) {
            assertThat(ask(first, proxy, "1." + i)).isEqualTo("a:1." + i);
            assertThat(ask(second, proxy, "2." + i)).isEqualTo("b:2." + i);
        }

        assertThat(proxy.counters().flowsCreated()).isEqualTo(2);
        assertThat(a.peers()).isEqualTo(1);
        assertThat(b.peers()).isEqualTo(1);
    }

    @Test
    void idleFlowsExpireAndTheNextDatagramStartsAnother() throws Exception {
        UdpEchoServer backend = closing(new UdpEchoServer("a"));
        UdpProxy proxy = proxy(roundRobin(backend.address()),
                UdpProxyOptions.defaults().withFlowIdleTimeout(Duration.ofMillis(300)));
        DatagramSocket client = client();
        assertThat(ask(client, proxy, "first")).isEqualTo("a:first");

        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.counters().flowsExpired() == 1);
        assertThat(proxy.counters().activeFlows()).isZero();

        assertThat(ask(client, proxy, "second")).isEqualTo("a:second");
        assertThat(proxy.counters().flowsCreated()).isEqualTo(2);
        assertThat(backend.peers()).as("a new flow has a new backend socket").isEqualTo(2);
    }

    @Test
    void flowsBeyondTheCapAreDroppedAndCounted() throws Exception {
        UdpEchoServer backend = closing(new UdpEchoServer("a"));
        UdpProxy proxy = proxy(roundRobin(backend.address()), UdpProxyOptions.defaults().withMaxFlows(2));
        DatagramSocket first = client();
        DatagramSocket second = client();
        DatagramSocket third = client();
        assertThat(ask(first, proxy, "1")).isEqualTo("a:1");
        assertThat(ask(second, proxy, "2")).isEqualTo("a:2");

        send(third, proxy, "3");
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.counters().flowsRejected() == 1);

        assertThat(ask(first, proxy, "1 again")).isEqualTo("a:1 again");
        assertThat(proxy.counters().activeFlows()).isEqualTo(2);
        assertThat(backend.peers()).isEqualTo(2);
    }

    @Test
    void noBackendDropsTheDatagram() throws Exception {
        UdpProxy proxy = proxy((client, excluded) -> null, UdpProxyOptions.defaults());

        send(client(), proxy, "nobody");

        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.counters().noBackendDrops() == 1);
        assertThat(proxy.counters().activeFlows()).isZero();
    }

    @Test
    void removedBackendEndsItsFlowsOnly() throws Exception {
        UdpEchoServer a = closing(new UdpEchoServer("a"));
        UdpEchoServer b = closing(new UdpEchoServer("b"));
        List<InetSocketAddress> live = new CopyOnWriteArrayList<>(List.of(a.address(), b.address()));
        AtomicInteger next = new AtomicInteger();
        UdpProxy proxy = proxy((client, excluded) -> live.get(next.getAndIncrement() % live.size()),
                UdpProxyOptions.defaults());
        DatagramSocket first = client();
        DatagramSocket second = client();
        assertThat(ask(first, proxy, "x")).isEqualTo("a:x");
        assertThat(ask(second, proxy, "y")).isEqualTo("b:y");

        live.remove(a.address());
        proxy.removeBackend(a.address());
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.counters().activeFlows() == 1);

        // The first client chooses again; the second keeps its flow.
        assertThat(ask(first, proxy, "x")).isEqualTo("b:x");
        assertThat(ask(second, proxy, "y")).isEqualTo("b:y");
        assertThat(proxy.counters().flowsCreated()).isEqualTo(3);
    }
}
