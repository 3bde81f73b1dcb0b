package io.trellis.ingress.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.trellis.dataplane.vtep.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TcpProxyTest {
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int LARGE = 64 << 20;
    /**
     * Netty's default high watermark plus one read batch (16 reads of at most 64 KB) that may still arrive
     * after reading is paused: what a bounded proxy holds for one socket, far below the 64 MB sent.
     */
    private static final long PENDING_BOUND = (64 << 10) + 16 * (64 << 10);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private ProxyEventLoops loops;

    Transport transport() {
        return Transport.auto();
    }

    @BeforeEach
    void startLoops() {
        loops = new ProxyEventLoops(transport(), 2);
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

    private TcpProxy proxy(BackendChooser chooser, TcpProxyOptions options) {
        return closing(TcpProxy.bind(loops, LOOPBACK_ANY_PORT, chooser, options));
    }

    private TcpProxy proxy(BackendChooser chooser) {
        return proxy(chooser, TcpProxyOptions.defaults());
    }

    private Socket connect(TcpProxy proxy) throws IOException {
        Socket socket = closing(new Socket());
        socket.setSoTimeout(10_000);
        socket.connect(proxy.localAddress(), 2_000);
        return socket;
    }

    private static BackendChooser only(InetSocketAddress backend) {
        return (client, excluded) -> backend.equals(excluded) ? null : backend;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(bytes);
        return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.US_ASCII);
    }

    private static void assertReset(Socket socket) {
        assertThatThrownBy(() -> socket.getInputStream().read())
                .isInstanceOf(SocketException.class)
                .hasMessageContaining("Connection reset");
    }

    private static InetSocketAddress closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }
    }

    /** The byte at {@code position} of the large transfers: position-dependent, so loss or reordering shows. */
    private static byte patternAt(long position) {
        return (byte) ((position * 2_654_435_761L) >>> 24);
    }

    private static void writePattern(OutputStream out, int length) throws IOException {
        byte[] chunk = new byte[64 << 10];
        for (long sent = 0; sent < length; sent += chunk.length) {
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = patternAt(sent + i);
            }
            out.write(chunk);
        }
    }

    /** Reads {@code length} bytes; returns how many matched the pattern before the first wrong byte or EOF. */
    private static long readPattern(InputStream in, long length) throws IOException {
        byte[] buffer = new byte[64 << 10];
        long position = 0;
        while (position < length) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - position));
            if (n < 0) {
                return position;
            }
            for (int i = 0; i < n; i++, position++) {
                if (buffer[i] != patternAt(position)) {
                    return position;
                }
            }
        }
        return position;
    }

    @Test
    void relaysBothWaysAndCounts() throws Exception {
        TcpServer backend = closing(TcpServer.echo());
        TcpProxy proxy = proxy(only(backend.address()));

        Socket client = connect(proxy);
        assertThat(roundTrip(client, "hello")).isEqualTo("hello");
        assertThat(roundTrip(client, "again")).isEqualTo("again");

        TcpProxyCounters counters = proxy.counters();
        assertThat(counters.accepted()).isEqualTo(1);
        assertThat(counters.active()).isEqualTo(1);
        assertThat(counters.bytesFromClients()).isEqualTo(10);
        assertThat(counters.bytesFromBackends()).isEqualTo(10);
        client.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> counters.active() == 0);
        assertThat(counters.resetsSent()).isZero();
    }

    // The sending side keeps its connection open until everything arrived: epoll reads a socket dry when the
    // peer's FIN comes, auto-read or not, so the bound below holds for a stream, not for its last socket buffer.
    @Test
    void slowClientPausesTheBackendInsteadOfBuffering() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        TcpServer backend = closing(TcpServer.start(socket -> {
            writePattern(socket.getOutputStream(), LARGE);
            waitFor(received);
        }));
        TcpProxy proxy = proxy(only(backend.address()));
        Socket client = connect(proxy);

        // The client reads nothing until the proxy has had to stop reading the backend.
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.counters().readPauses() > 0);
        assertThat(readPattern(client.getInputStream(), LARGE)).isEqualTo(LARGE);
        received.countDown();

        assertThat(proxy.counters().bytesFromBackends()).isEqualTo(LARGE);
        assertThat(proxy.counters().peakPendingWriteBytes()).isPositive().isLessThanOrEqualTo(PENDING_BOUND);
    }

    @Test
    void slowBackendPausesTheClientInsteadOfBuffering() throws Exception {
        CountDownLatch mayRead = new CountDownLatch(1);
        AtomicLong received = new AtomicLong(-1);
        TcpServer backend = closing(TcpServer.start(socket -> {
            waitFor(mayRead);
            received.set(readPattern(socket.getInputStream(), LARGE / 4));
        }));
        TcpProxy proxy = proxy(only(backend.address()));
        Socket client = connect(proxy);
        Thread writer = new Thread(() -> {
            try {
                writePattern(client.getOutputStream(), LARGE / 4);
            } catch (IOException ignored) {
                // The assertions below report what arrived.
            }
        });
        writer.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.counters().readPauses() > 0);
        mayRead.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> received.get() >= 0);
        writer.join(5_000);

        assertThat(received.get()).isEqualTo(LARGE / 4);
        assertThat(proxy.counters().bytesFromClients()).isEqualTo(LARGE / 4);
        assertThat(proxy.counters().peakPendingWriteBytes()).isPositive().isLessThanOrEqualTo(PENDING_BOUND);
    }

    private static void waitFor(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new IOException("the test never let the backend go on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Test
    void halfCloseLetsTheBackendAnswerAfterTheClientsFin() throws Exception {
        TcpServer backend = closing(TcpServer.countUntilFin());
        TcpProxy proxy = proxy(only(backend.address()));
        Socket client = connect(proxy);

        client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        client.shutdownOutput();

        assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("got 5");
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.counters().active() == 0);
        assertThat(proxy.counters().resetsSent()).isZero();
    }

    @Test
    void connectTimeoutRetriesOnAnotherBackend() throws Exception {
        BlackHole blackHole = closing(new BlackHole());
        TcpServer good = closing(TcpServer.echo());
        TcpProxy proxy = proxy((client, excluded) -> excluded == null ? blackHole.address() : good.address(),
                TcpProxyOptions.defaults().withConnectTimeout(Duration.ofMillis(300)));

        Socket client = connect(proxy);
        assertThat(roundTrip(client, "through the second")).isEqualTo("through the second");

        assertThat(proxy.counters().connectFailures(ConnectFailure.TIMEOUT)).isEqualTo(1);
        assertThat(good.connections()).isEqualTo(1);
    }

    @Test
    void bothBackendsDeadResetsTheClient() throws Exception {
        BlackHole blackHole = closing(new BlackHole());
        InetSocketAddress refused = closedPort();
        TcpProxy proxy = proxy((client, excluded) -> excluded == null ? refused : blackHole.address(),
                TcpProxyOptions.defaults().withConnectTimeout(Duration.ofMillis(300)));

        Socket client = connect(proxy);
        assertReset(client);

        TcpProxyCounters counters = proxy.counters();
        assertThat(counters.connectFailures(ConnectFailure.REFUSED)).isEqualTo(1);
        assertThat(counters.connectFailures(ConnectFailure.TIMEOUT)).isEqualTo(1);
        assertThat(counters.connectFailures(ConnectFailure.NO_BACKEND)).isZero();
        assertThat(counters.resetsSent()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> counters.active() == 0);
    }

    @Test
    void noBackendResetsTheClient() throws Exception {
        TcpProxy proxy = proxy((client, excluded) -> null);

        // The reset can come so fast that the client's connect call already reports it.
        Socket client = closing(new Socket());
        client.setSoTimeout(10_000);
        try {
            client.connect(proxy.localAddress(), 2_000);
            assertReset(client);
        } catch (SocketException resetDuringConnect) {
            assertThat(resetDuringConnect).hasMessageContaining("Connection reset");
        }

        assertThat(proxy.counters().connectFailures(ConnectFailure.NO_BACKEND)).isEqualTo(1);
        assertThat(proxy.counters().resetsSent()).isEqualTo(1);
    }

    @Test
    void idleConnectionIsReset() throws Exception {
        TcpServer backend = closing(TcpServer.echo());
        TcpProxy proxy = proxy(only(backend.address()),
                TcpProxyOptions.defaults().withIdleTimeout(Duration.ofMillis(300)));
        Socket client = connect(proxy);
        assertThat(roundTrip(client, "ping")).isEqualTo("ping");

        assertReset(client);

        assertThat(proxy.counters().idleCloses()).isEqualTo(1);
        assertThat(proxy.counters().resetsSent()).isEqualTo(1);
    }

    @Test
    void bytesFromTheBackendAloneKeepAConnectionFromIdling() throws Exception {
        BlockingQueue<Integer> toSend = new ArrayBlockingQueue<>(16);
        TcpServer backend = closing(TcpServer.start(socket -> sendWhatIsQueued(socket, toSend)));
        TcpProxy proxy = proxy(only(backend.address()),
                TcpProxyOptions.defaults().withIdleTimeout(Duration.ofMillis(300)));
        Socket client = connect(proxy);

        // Three idle timeouts in which only the backend speaks, a byte every 100 ms: the client never writes.
        await().during(Duration.ofMillis(900)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> toSend.offer((int) 'x') && client.getInputStream().read() == 'x');
        assertThat(proxy.counters().idleCloses()).isZero();

        assertReset(client);
        assertThat(proxy.counters().idleCloses()).isEqualTo(1);
    }

    /** Writes each byte the test queues, until none comes for 10 s. */
    private static void sendWhatIsQueued(Socket socket, BlockingQueue<Integer> queue) throws IOException {
        try {
            for (Integer b = queue.poll(10, TimeUnit.SECONDS); b != null; b = queue.poll(10, TimeUnit.SECONDS)) {
                socket.getOutputStream().write(b);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void removedBackendResetsOnlyItsConnections() throws Exception {
        TcpServer first = closing(TcpServer.echo());
        TcpServer second = closing(TcpServer.echo());
        AtomicInteger picks = new AtomicInteger();
        TcpProxy proxy = proxy((client, excluded) -> picks.getAndIncrement() == 0 ? first.address() : second.address());
        Socket toFirst = connect(proxy);
        assertThat(roundTrip(toFirst, "one")).isEqualTo("one");
        Socket toSecond = connect(proxy);
        assertThat(roundTrip(toSecond, "two")).isEqualTo("two");
        assertThat(first.connections()).isEqualTo(1);
        assertThat(second.connections()).isEqualTo(1);

        assertThat(proxy.removeBackend(first.address())).isEqualTo(1);

        assertReset(toFirst);
        assertThat(roundTrip(toSecond, "still here")).isEqualTo("still here");
        assertThat(proxy.counters().resetsSent()).isEqualTo(1);
        assertThat(proxy.removeBackend(first.address())).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = ProxyProtocol.class, names = {"V1", "V2"})
    void proxyProtocolHeaderCarriesTheRealClient(ProxyProtocol version) throws Exception {
        ProxyProtocolBackend backend = closing(new ProxyProtocolBackend());
        TcpProxy proxy = proxy(only(backend.address()), TcpProxyOptions.defaults().withProxyProtocol(version));
        Socket client = closing(new Socket());
        client.setSoTimeout(10_000);
        client.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client.connect(proxy.localAddress(), 2_000);

        assertThat(roundTrip(client, "after the header")).isEqualTo("after the header");

        ProxyProtocolBackend.Header header = backend.header();
        assertThat(header).isNotNull();
        assertThat(header.version()).isEqualTo(version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2);
        assertThat(header.protocol()).isEqualTo(HAProxyProxiedProtocol.TCP4);
        assertThat(header.sourceAddress()).isEqualTo("127.0.0.1");
        assertThat(header.sourcePort()).isEqualTo(client.getLocalPort());
        assertThat(header.destinationAddress()).isEqualTo("127.0.0.1");
        assertThat(header.destinationPort()).isEqualTo(proxy.localAddress().getPort());
    }

    @Test
    void closingTheProxyResetsOpenConnections() throws Exception {
        TcpServer backend = closing(TcpServer.echo());
        TcpProxy proxy = TcpProxy.bind(loops, LOOPBACK_ANY_PORT, only(backend.address()), TcpProxyOptions.defaults());
        Socket client = connect(proxy);
        assertThat(roundTrip(client, "x")).isEqualTo("x");

        proxy.close();

        assertReset(client);
        assertThat(proxy.counters().active()).isZero();
    }
}
