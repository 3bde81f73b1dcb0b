package io.trellis.admin;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.api.client.AdminClient;
import io.trellis.api.client.AdminHost;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
    private Path dir;
    private Path socket;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void socketPath() throws IOException {
        // Not @TempDir: a Unix socket path must stay under 108 bytes, so keep it short and in /tmp.
        dir = Files.createTempDirectory(Path.of("/tmp"), "trellis-admin");
        socket = dir.resolve("run").resolve("trellis.sock");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private AdminServer serve(Router router) throws IOException {
        AdminServer server = AdminServer.start("unix://" + socket, router);
        toClose.add(server);
        return server;
    }

    private AdminClient client() {
        return AdminClient.forHost("unix://" + socket);
    }

    @Test
    void jsonRoundTripWithPathAndQueryParams() throws Exception {
        serve(new Router()
                .get("/services/{id}", req -> AdminResponse.json(200,
                        ("{\"id\":\"" + req.pathParam("id") + "\",\"tail\":\"" + req.queryParam("tail") + "\"}").getBytes(UTF_8)))
                .post("/services", req -> AdminResponse.json(201, req.body()))
                .delete("/services/{id}", req -> AdminResponse.text(200, "removed " + req.pathParam("id"))));

        AdminClient.Response got = client().send("GET", "/services/web?tail=10", null);
        AdminClient.Response created = client().send("POST", "/services", "{\"name\":\"web\"}".getBytes(UTF_8));
        AdminClient.Response removed = client().send("DELETE", "/services/web", null);

        assertThat(got.status()).isEqualTo(200);
        assertThat(got.bodyText()).isEqualTo("{\"id\":\"web\",\"tail\":\"10\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.bodyText()).isEqualTo("{\"name\":\"web\"}");
        assertThat(removed.bodyText()).isEqualTo("removed web");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() throws Exception {
        serve(new Router().get("/info", req -> AdminResponse.text(200, "ok")));

        AdminClient.Response missing = client().send("GET", "/nope", null);
        AdminClient.Response wrongMethod = client().send("POST", "/info", null);

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.bodyText()).isEqualTo("{\"message\":\"no such endpoint: /nope\"}");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.bodyText()).contains("POST is not allowed on /info; use GET");
    }

    @Test
    void oversizedBodyIs413WithAMessage() throws Exception {
        serve(new Router().post("/secrets", req -> AdminResponse.text(200, "stored")));

        AdminClient.Response r = client().send("POST", "/secrets", new byte[AdminServer.MAX_REQUEST_BYTES + 1]);

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.bodyText()).contains("request body too large: the admin API accepts at most 2097152 bytes");
    }

    @Test
    void bodyAtTheLimitIsAccepted() throws Exception {
        serve(new Router().post("/secrets", req -> AdminResponse.text(200, "got " + req.body().length)));

        AdminClient.Response r = client().send("POST", "/secrets", new byte[AdminServer.MAX_REQUEST_BYTES]);

        assertThat(r.bodyText()).isEqualTo("got " + AdminServer.MAX_REQUEST_BYTES);
    }

    @Test
    void handlerExceptionIs500WithItsMessage() throws Exception {
        serve(new Router().get("/boom", req -> {
            throw new IllegalStateException("store is closed");
        }));

        AdminClient.Response r = client().send("GET", "/boom", null);

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.bodyText()).isEqualTo("{\"message\":\"store is closed\"}");
    }

    @Test
    void streamedChunksArriveBeforeTheHandlerFinishes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        serve(new Router().get("/logs", req -> AdminResponse.stream(AdminResponse.TEXT, sink -> {
            sink.write("first\n".getBytes(UTF_8));
            release.await();
            sink.write("second\n".getBytes(UTF_8));
            finished.countDown();
        })));
        ChunkRecorder out = new ChunkRecorder();

        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
            try {
                return client().stream("GET", "/logs?follow=true", null, out);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(out.firstWrite.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(out.text()).isEqualTo("first\n");
        assertThat(finished.getCount()).isEqualTo(1);
        release.countDown();
        assertThat(status.get(5, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(out.text()).isEqualTo("first\nsecond\n");
    }

    @Test
    void streamingBodyIsInterruptedWhenTheClientLeaves() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        serve(new Router().get("/logs", req -> AdminResponse.stream(AdminResponse.TEXT, sink -> {
            sink.write("first\n".getBytes(UTF_8));
            try {
                new CountDownLatch(1).await(); // idle follow: no new lines
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        })));

        try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            raw.connect(UnixDomainSocketAddress.of(socket));
            raw.write(ByteBuffer.wrap("GET /logs HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(UTF_8)));
            StringBuilder seen = new StringBuilder();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (!seen.toString().contains("first")) {
                buf.clear();
                raw.read(buf);
                seen.append(new String(buf.array(), 0, buf.position(), UTF_8));
            }
            assertThat(seen.toString()).contains("transfer-encoding: chunked");
        }

        assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void keptAliveConnectionAnswersPipelinedRequestsInOrder() throws Exception {
        serve(new Router()
                .get("/slow", req -> {
                    // The behaviour under test: a slow first reply must not let the second overtake it.
                    Thread.sleep(200);
                    return AdminResponse.text(200, "slow");
                })
                .get("/fast", req -> AdminResponse.text(200, "fast")));

        String replies = rawExchange("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "GET /fast HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(replies).containsSubsequence("content-length: 4", "slow", "HTTP/1.1 200 OK", "fast");
    }

    @Test
    void methodNotAllowedCarriesAllowHeader() throws Exception {
        serve(new Router().get("/info", req -> AdminResponse.text(200, "ok"))
                .delete("/info", req -> AdminResponse.text(200, "gone")));

        String reply = rawExchange("PUT /info HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");

        assertThat(reply).startsWith("HTTP/1.1 405 Method Not Allowed").contains("Allow: GET, DELETE");
    }

    @Test
    void staleSocketFileIsReplaced() throws Exception {
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket)); // the JDK leaves the file behind on close
        }
        assertThat(socket).exists();

        serve(new Router().get("/info", req -> AdminResponse.text(200, "ok")));

        assertThat(client().send("GET", "/info", null).bodyText()).isEqualTo("ok");
    }

    @Test
    void secondServerOnALiveSocketIsRefused() throws Exception {
        serve(new Router().get("/info", req -> AdminResponse.text(200, "first")));

        assertThatThrownBy(() -> serve(new Router()))
                .isInstanceOf(IOException.class)
                .hasMessage("another agent is already listening on unix://" + socket);
        assertThat(client().send("GET", "/info", null).bodyText()).isEqualTo("first");
    }

    @Test
    void socketFileIsGroupOnlyAndRemovedOnClose() throws Exception {
        AdminServer server = serve(new Router());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
        server.close();
        assertThat(socket).doesNotExist();
    }

    @Test
    void closeIsPromptAndIdempotent() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        AdminServer server = serve(new Router().get("/logs", req -> AdminResponse.stream(AdminResponse.TEXT, sink -> {
            sink.write("x".getBytes(UTF_8));
            never.await();
        })));
        ChunkRecorder out = new ChunkRecorder();
        CompletableFuture<Integer> follower = CompletableFuture.supplyAsync(() -> {
            try {
                return client().stream("GET", "/logs", null, out);
            } catch (IOException e) {
                return -1;
            }
        });
        // Connected, and mid-stream: the client has the first chunk, the handler waits for more.
        assertThat(out.firstWrite.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(out.text()).isEqualTo("x");
        assertThat(follower).isNotDone();

        long start = System.nanoTime();
        server.close();
        server.close();

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
        assertThat(follower.get(5, TimeUnit.SECONDS)).isEqualTo(-1); // cut off without the last chunk
    }

    @Test
    void aCrossOriginRequestIsRefusedBeforeTheRouter() throws Exception {
        serve(countingRouter());

        String reply = rawExchange("POST /swarm/init HTTP/1.1\r\nHost: localhost\r\nOrigin: https://evil.example\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");

        assertThat(reply).startsWith("HTTP/1.1 403 Forbidden")
                .contains("{\"message\":\"request refused: it comes from a web page (Origin header)\"}");
        assertThat(routed).hasValue(0);
    }

    @Test
    void aTextPlainPostIsRefused() throws Exception {
        serve(countingRouter());

        // What a page's form or no-cors fetch can send without a CORS preflight.
        String reply = rawExchange("POST /swarm/init HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}");

        assertThat(reply).startsWith("HTTP/1.1 415").contains("the body must be application/json, not text/plain");
        assertThat(routed).hasValue(0);
    }

    @Test
    void anUntypedBodyIsRefused() throws Exception {
        serve(countingRouter());

        String reply = rawExchange("POST /swarm/init HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n"
                + "Connection: close\r\n\r\n{}");

        assertThat(reply).startsWith("HTTP/1.1 415").contains("not untyped");
        assertThat(routed).hasValue(0);
    }

    @Test
    void aForeignHostIsRefused() throws Exception {
        serve(countingRouter());

        // DNS rebinding: a page's own name pointed at this machine.
        String reply = rawExchange("GET /swarm/init HTTP/1.1\r\nHost: evil.example:9323\r\nConnection: close\r\n\r\n");

        assertThat(reply).startsWith("HTTP/1.1 403").contains("Host \\\"evil.example:9323\\\" is not this agent's address");
        assertThat(routed).hasValue(0);
    }

    @Test
    void theCliIsServedWithJsonBodiesAndItsHost() throws Exception {
        serve(countingRouter());

        AdminClient.Response r = client().send("POST", "/swarm/init", "{}".getBytes(UTF_8));

        assertThat(r.status()).isEqualTo(200);
        assertThat(routed).hasValue(1);
    }

    @Test
    void tcpWithoutTlsIsRefused() {
        assertThatThrownBy(() -> AdminServer.start("unix://" + socket, "127.0.0.1:0", null, countingRouter()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("refusing to serve the admin API on tcp://127.0.0.1:0 without mutual TLS");
        assertThat(socket).doesNotExist();
    }

    @Test
    void theMetricsListenerIsReadOnlyAndScreened() throws Exception {
        AdminServer metrics = AdminServer.startMetrics("127.0.0.1:0", countingRouter()
                .get("/metrics", req -> AdminResponse.text(200, "up 1")));
        toClose.add(metrics);
        AdminHost.Tcp at = (AdminHost.Tcp) metrics.boundHosts().get(0);

        String scrape = rawTcp(at, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:" + at.port() + "\r\nConnection: close\r\n\r\n");
        String post = rawTcp(at, "POST /swarm/init HTTP/1.1\r\nHost: 127.0.0.1:" + at.port()
                + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        String rebound = rawTcp(at, "GET /metrics HTTP/1.1\r\nHost: evil.example:" + at.port() + "\r\nConnection: close\r\n\r\n");

        assertThat(scrape).startsWith("HTTP/1.1 200").endsWith("up 1");
        assertThat(post).startsWith("HTTP/1.1 405");
        assertThat(rebound).startsWith("HTTP/1.1 403");
        assertThat(routed).hasValue(0);
    }

    @Test
    void aWorldWritableSocketDirectoryIsRefused() throws Exception {
        Files.createDirectories(socket.getParent());
        Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> serve(new Router()))
                .isInstanceOf(IOException.class)
                .hasMessage("the socket directory " + socket.getParent() + " is writable by everyone; chmod o-w it or "
                        + "choose another");
        assertThat(socket).doesNotExist();
    }

    @Test
    void aSocketDirectoryOwnedBySomeoneElseIsRefused() throws Exception {
        Files.createDirectories(socket.getParent());
        var lookup = socket.getFileSystem().getUserPrincipalLookupService();
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "giving a directory away needs root");
        Files.setOwner(socket.getParent(), lookup.lookupPrincipalByName("nobody"));

        assertThatThrownBy(() -> serve(new Router()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("belongs to nobody, not root; chown it");
    }

    @Test
    void theSocketIsBoundOutOfReachAndNothingIsLeftBeside() throws Exception {
        serve(new Router());

        try (Stream<Path> beside = Files.list(socket.getParent())) {
            assertThat(beside.toList()).containsExactly(socket);
        }
    }

    private final java.util.concurrent.atomic.AtomicInteger routed = new java.util.concurrent.atomic.AtomicInteger();

    private Router countingRouter() {
        return new Router().post("/swarm/init", req -> {
            routed.incrementAndGet();
            return AdminResponse.json(200, "{}".getBytes(UTF_8));
        });
    }

    private static String rawTcp(AdminHost.Tcp at, String request) throws IOException {
        try (java.net.Socket s = new java.net.Socket(at.host(), at.port())) {
            s.getOutputStream().write(request.getBytes(UTF_8));
            return new String(s.getInputStream().readAllBytes(), UTF_8);
        }
    }

    private String rawExchange(String requests) throws IOException {
        try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            raw.connect(UnixDomainSocketAddress.of(socket));
            raw.write(ByteBuffer.wrap(requests.getBytes(UTF_8)));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (raw.read(buf.clear()) >= 0) {
                all.write(buf.array(), 0, buf.position());
            }
            return all.toString(UTF_8);
        }
    }

    /** Records what a streamed reply wrote, and when the first bytes came. */
    private static final class ChunkRecorder extends OutputStream {
        final CountDownLatch firstWrite = new CountDownLatch(1);
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
            firstWrite.countDown();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            firstWrite.countDown();
        }

        synchronized String text() {
            return bytes.toString(UTF_8);
        }
    }
}
