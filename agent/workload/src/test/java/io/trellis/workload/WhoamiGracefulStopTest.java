package io.trellis.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link WhoamiHttpServer#close}, as SIGTERM runs it: no new connections, idle ones closed with a FIN,
 * a request already begun answered with {@code Connection: close}, all within the stop limit. On every
 * transport this machine has, since each closes sockets its own way.
 */
class WhoamiGracefulStopTest {
    private static final WorkloadIdentity WEB_1 = new WorkloadIdentity("web.1", "id", "web", "node1");
    /** The head of a request whose body the test sends later: the 100 Continue proves the server read the head. */
    private static final String SLOW_POST_HEAD =
            "POST /slow HTTP/1.1\r\nHost: w\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n";

    private static WhoamiHttpServer start(ServerTransport transport, Duration stopLimit) throws Exception {
        assumeTrue(transport.isAvailable(), transport + " is not available here");
        return WhoamiHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), WEB_1, transport,
                stopLimit);
    }

    private static CompletableFuture<Long> stopInBackground(WhoamiHttpServer server) {
        long began = System.nanoTime();
        return CompletableFuture.supplyAsync(() -> {
            server.close();
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        }, runnable -> new Thread(runnable, "stop").start());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServerTransport.class)
    void answersTheRequestInFlightAndClosesIdleConnectionsWithAFin(ServerTransport transport) throws Exception {
        WhoamiHttpServer server = start(transport, WhoamiHttpServer.STOP_LIMIT);
        InetSocketAddress address = server.localAddress();
        try (RawHttp idle = new RawHttp(address); RawHttp busy = new RawHttp(address)) {
            assertThat(idle.write(RawHttp.get("/")).read().status()).isEqualTo(200);
            assertThat(busy.write(SLOW_POST_HEAD).read().status()).isEqualTo(100);

            CompletableFuture<Long> stopped = stopInBackground(server);

            // -1: a FIN after everything the server had to say; a reset would throw instead.
            assertThat(idle.readEnd()).isEqualTo(-1);
            // At once on epoll and io_uring; NIO's listening socket lingers until its selector next wakes.
            await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThatThrownBy(() -> new RawHttp(address).close()).isInstanceOf(ConnectException.class));
            assertThat(stopped).as("waits for the request in flight").isNotDone();

            RawHttp.Reply answer = busy.write("0123456789").read();

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("Connection")).isEqualTo("close");
            assertThat(answer.body()).contains("method: POST\n", "path: /slow\n");
            assertThat(busy.readEnd()).isEqualTo(-1);
            assertThat(stopped.get(5, TimeUnit.SECONDS)).as("stop ends once the last answer is out, not at its limit")
                    .isLessThan(WhoamiHttpServer.STOP_LIMIT.toMillis() / 2);
        } finally {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ServerTransport.class)
    void aRequestThatNeverCompletesIsCutAtTheStopLimit(ServerTransport transport) throws Exception {
        Duration limit = Duration.ofMillis(500);
        WhoamiHttpServer server = start(transport, limit);
        try (RawHttp stuck = new RawHttp(server.localAddress())) {
            assertThat(stuck.write(SLOW_POST_HEAD).read().status()).isEqualTo(100);

            long tookMillis = stopInBackground(server).get(5, TimeUnit.SECONDS);

            assertThat(tookMillis).isBetween(limit.toMillis() / 2, limit.toMillis() + 250);
            assertThat(stuck.readEnd()).isEqualTo(-1);
        } finally {
            server.close();
        }
    }
}
