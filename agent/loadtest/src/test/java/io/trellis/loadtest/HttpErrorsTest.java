package io.trellis.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each way a request fails is counted under its own kind, and the run still ends with exit 0. */
class HttpErrorsTest {

    private static JsonNode run(String target, String... more) {
        String[] args = new String[5 + more.length];
        System.arraycopy(new String[] {"--target", target, "-d", "1s", "--json"}, 0, args, 0, 5);
        System.arraycopy(more, 0, args, 5, more.length);
        Loadtest.Result result = Loadtest.run(args);
        assertThat(result.exitCode()).as("errors are output, not a failed command: " + result.err()).isZero();
        return result.json();
    }

    @Test
    void aClosedPortCountsConnectRefused() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        JsonNode summary = run("127.0.0.1:" + closedPort, "-c", "2");

        assertThat(summary.get("errors_connect_refused").asLong()).isPositive().isEqualTo(summary.get("errors").asLong());
        assertThat(summary.get("requests").asLong()).isZero();
    }

    @Test
    void aServerThatHangsUpWithoutAnAnswerCountsClosedEarly() {
        try (TestHttpServer server = new TestHttpServer(n -> TestHttpServer.Reply.hangUp())) {
            JsonNode summary = run(server.target(), "-c", "2");

            assertThat(summary.get("errors_closed_early").asLong()).isPositive().isEqualTo(server.requests());
            assertThat(summary.get("errors").asLong()).isEqualTo(summary.get("errors_closed_early").asLong());
            assertThat(summary.get("requests").asLong()).isZero();
        }
    }

    @Test
    void aServerThatResetsCountsResets() {
        try (TestHttpServer server = new TestHttpServer(n -> TestHttpServer.Reply.reset())) {
            JsonNode summary = run(server.target(), "-c", "2");

            assertThat(summary.get("errors_reset").asLong()).isPositive().isEqualTo(server.requests())
                    .isEqualTo(summary.get("errors").asLong());
        }
    }

    @Test
    void aListenerThatNeverAcceptsCountsConnectTimeouts() throws IOException {
        // Backlog 1: the kernel completes two handshakes for the accept queue, then drops SYNs.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            JsonNode summary = run("127.0.0.1:" + full.getLocalPort(), "-c", "4", "--timeout", "300ms");

            assertThat(summary.get("errors_connect_timeout").asLong()).isGreaterThanOrEqualTo(6);
            assertThat(summary.get("errors").asLong()).isEqualTo(summary.get("errors_connect_timeout").asLong()
                    + summary.get("errors_timeout").asLong());
            assertThat(summary.get("requests").asLong()).isZero();
        }
    }

    @Test
    void anAnswerOf500IsARequestAndABadStatus() {
        try (TestHttpServer server = new TestHttpServer(n -> n % 2 == 0 ? TestHttpServer.Reply.status(500)
                : TestHttpServer.Reply.status(302))) {
            JsonNode summary = run(server.target(), "-c", "2");

            assertThat(summary.get("requests").asLong()).isEqualTo(server.requests());
            assertThat(summary.get("errors_bad_status").asLong()).isEqualTo(server.requests() / 2)
                    .isEqualTo(summary.get("errors").asLong());
        }
    }

    @Test
    void aServerSlowerThanTheTimeoutCountsTimeouts() {
        try (TestHttpServer server = new TestHttpServer(n -> TestHttpServer.Reply.never())) {
            long began = System.nanoTime();
            JsonNode summary = run(server.target(), "-c", "1", "--timeout", "200ms");

            assertThat(Duration.ofNanos(System.nanoTime() - began)).as("duration + timeout + 2 s at most")
                    .isLessThan(Duration.ofMillis(1000 + 200 + 2000));

            // A request every 200 ms for 1 s; the one begun last ends by its timeout after the duration.
            assertThat(summary.get("errors_timeout").asLong()).isBetween(4L, 6L).isEqualTo(server.requests());
            assertThat(summary.get("errors").asLong()).isEqualTo(summary.get("errors_timeout").asLong());
            assertThat(summary.get("requests").asLong()).isZero();
            assertThat(summary.get("elapsed_s").asDouble()).isLessThan(1.0 + 0.2 + 2);
        }
    }
}
