package io.trellis.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A server that stalls once for a second. Paced, the requests due during the stall waited for it
 * too, and their latency (from the intended send time) shows it; unpaced, the connection simply
 * sent nothing meanwhile, and only the one stalled request looks slow: the omission the pacing
 * corrects.
 */
class CoordinatedOmissionTest {
    private static final Duration STALL = Duration.ofSeconds(1);
    private static final Duration NEAR_STALL = Duration.ofMillis(900);

    private static Summary runAgainstOneStall(long rate) throws InterruptedException {
        try (TestHttpServer server = new TestHttpServer(n -> n == 10 ? TestHttpServer.Reply.after(STALL.toMillis())
                : TestHttpServer.Reply.ok())) {
            LoadSettings settings = new LoadSettings(TargetAddress.parse(server.target()),
                    new InetSocketAddress("127.0.0.1", server.port()), LoadSettings.Protocol.HTTP, "/", false, 1,
                    Duration.ofMillis(1800), rate, Duration.ofSeconds(5), 1);
            Summary summary = LoadRun.run(settings, new PrintWriter(Writer.nullWriter()));
            assertThat(summary.errorCount()).isZero();
            assertThat(summary.requests()).isEqualTo(server.requests());
            return summary;
        }
    }

    @Test
    void pacedLatencyCountsTheWaitOfEveryRequestDueDuringTheStall() throws InterruptedException {
        Summary paced = runAgainstOneStall(50);

        assertThat(paced.maxLatencyMicros()).isGreaterThanOrEqualTo(NEAR_STALL.toNanos() / 1000);
        // Due every 20 ms: the stalled request and the ones due in the stall's first 100 ms or so waited 900 ms or
        // more (at most the 50 due during the stall could have).
        assertThat(paced.answersSlowerThan(NEAR_STALL)).isBetween(3L, 50L);
        assertThat(paced.latencyMicros(99)).isGreaterThanOrEqualTo(NEAR_STALL.toNanos() / 1000);
    }

    @Test
    void unpacedLatencyShowsOnlyTheStalledRequest() throws InterruptedException {
        Summary unpaced = runAgainstOneStall(0);

        assertThat(unpaced.maxLatencyMicros()).isGreaterThanOrEqualTo(NEAR_STALL.toNanos() / 1000);
        assertThat(unpaced.answersSlowerThan(NEAR_STALL)).isEqualTo(1);
    }
}
