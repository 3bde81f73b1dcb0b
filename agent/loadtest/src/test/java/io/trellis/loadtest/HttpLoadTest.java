package io.trellis.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** HTTP load against a server in this JVM: what the summary says is what the server saw. */
class HttpLoadTest {

    @Test
    void everyRequestTheServerAnsweredIsCountedAndEveryConnectionIsClosedAtTheEnd() {
        try (TestHttpServer server = new TestHttpServer(n -> TestHttpServer.Reply.ok())) {
            Loadtest.Result result = Loadtest.run("--target", server.target(), "-c", "4", "-d", "1s", "--json");

            assertThat(result.exitCode()).as(result.err()).isZero();
            JsonNode summary = result.json();
            assertThat(summary.get("requests").asLong()).isPositive().isEqualTo(server.requests());
            assertThat(summary.get("errors").asLong()).isZero();
            assertThat(summary.get("connections").asInt()).isEqualTo(4);
            assertThat(server.connections()).as("keep-alive: one connection each").isEqualTo(4);
            assertThat(summary.get("bytes").asLong()).isGreaterThan(summary.get("requests").asLong() * 27);
            assertThat(summary.get("latency_p50_us").asLong()).isPositive()
                    .isLessThanOrEqualTo(summary.get("latency_p99_us").asLong());
            assertThat(summary.get("latency_max_us").asLong())
                    .isGreaterThanOrEqualTo(summary.get("latency_p999_us").asLong());
            assertThat(summary.get("latency_from").asText()).isEqualTo("sent");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
        }
    }

    @Test
    void aPacedRunSendsItsScheduleAndNoMore() {
        try (TestHttpServer server = new TestHttpServer(n -> TestHttpServer.Reply.ok())) {
            Loadtest.Result result = Loadtest.run("--target", server.target(), "-c", "3", "-d", "1s", "--rate", "200",
                    "--json");

            JsonNode summary = result.json();
            assertThat(summary.get("requests").asLong()).isEqualTo(server.requests()).isBetween(190L, 200L);
            assertThat(summary.get("errors").asLong()).isZero();
            assertThat(summary.get("latency_from").asText()).isEqualTo("intended");
        }
    }

    @Test
    void aRequestOutAtTheDeadlineIsWaitedFor() {
        // Answers take 600 ms: the second request goes out at 0.6 s and is answered at 1.2 s.
        try (TestHttpServer server = new TestHttpServer(n -> TestHttpServer.Reply.after(600))) {
            JsonNode summary = Loadtest.run("--target", server.target(), "-c", "1", "-d", "1s", "--json").json();

            assertThat(summary.get("requests").asLong()).isEqualTo(2).isEqualTo(server.requests());
            assertThat(summary.get("elapsed_s").asDouble()).isGreaterThanOrEqualTo(1.2);
        }
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsReplacedWithoutAnError() {
        // 10 requests a second on one connection; the server closes it 20 ms after each answer.
        try (TestHttpServer server = new TestHttpServer(n -> TestHttpServer.Reply.okThenIdleClose(20))) {
            JsonNode summary = Loadtest.run("--target", server.target(), "-c", "1", "-d", "1s", "--rate", "10", "--json")
                    .json();

            assertThat(summary.get("requests").asLong()).isEqualTo(10).isEqualTo(server.requests())
                    .isEqualTo(server.connections());
            assertThat(summary.get("errors").asLong()).isZero();
        }
    }

    @Test
    void reconnectOpensAConnectionPerRequest() {
        // Even with a server that would keep the connection: the client closes it after each answer.
        try (TestHttpServer server = new TestHttpServer(n -> TestHttpServer.Reply.ok(), false)) {
            JsonNode summary = Loadtest.run("--target", server.target(), "-c", "2", "-d", "1s", "--reconnect", "--json")
                    .json();

            assertThat(summary.get("mode").asText()).isEqualTo("http-reconnect");
            assertThat(summary.get("requests").asLong()).isGreaterThan(2).isEqualTo(server.requests())
                    .isEqualTo(server.connections());
            assertThat(summary.get("errors").asLong()).isZero();
        }
    }

    @Test
    void textOutputHasAProgressLineEachSecondThenTheSummary() {
        try (TestHttpServer server = new TestHttpServer(n -> TestHttpServer.Reply.ok())) {
            Loadtest.Result result = Loadtest.run("--target", server.target(), "-c", "1", "-d", "1s");

            assertThat(result.exitCode()).isZero();
            assertThat(result.out())
                    .containsPattern("(?m)^loadtest http://127\\.0\\.0\\.1:\\d+/ for 1s: 1 connection on 1 \\S+ thread,"
                            + " as fast as answers come$")
                    .containsPattern("(?m)^ +1s +\\d+ req/s  errors 0$")
                    .containsPattern("(?m)^requests  " + server.requests()
                            + " in 1\\.\\d\\ds, [\\d.]+ req/s, [\\d.]+ (B|KiB|MiB) read$")
                    .contains("errors    0 (connect refused 0, connect timeout 0, reset 0, closed early 0, timeout 0,"
                            + " bad status 0, other 0)")
                    .containsPattern("(?m)^latency   p50 \\S+ p90 \\S+ p99 \\S+ p99\\.9 \\S+ max \\S+"
                            + " \\(from each request's send\\)$");
        }
    }
}
