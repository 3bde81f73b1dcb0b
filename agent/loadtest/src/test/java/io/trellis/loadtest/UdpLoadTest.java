package io.trellis.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class UdpLoadTest {

    @Test
    void everyEchoIsARequest() throws Exception {
        try (TestUdpServer echo = new TestUdpServer(true)) {
            Loadtest.Result result = Loadtest.run("--target", echo.target(), "--udp", "-c", "3", "-d", "1s", "--json");

            assertThat(result.exitCode()).as(result.err()).isZero();
            JsonNode summary = result.json();
            assertThat(summary.get("mode").asText()).isEqualTo("udp");
            assertThat(summary.get("requests").asLong()).isPositive().isEqualTo(echo.echoed());
            assertThat(summary.get("bytes").asLong()).isEqualTo(echo.echoed() * UdpFlow.DATAGRAM_BYTES);
            assertThat(summary.get("errors").asLong()).isZero();
        }
    }

    @Test
    void anUnansweredDatagramIsATimeout() throws Exception {
        try (TestUdpServer silent = new TestUdpServer(false)) {
            JsonNode summary = Loadtest.run("--target", silent.target(), "--udp", "-c", "2", "-d", "1s",
                    "--timeout", "200ms", "--json").json();

            // Each flow: a datagram every 200 ms for 1 s.
            assertThat(summary.get("errors_timeout").asLong()).isBetween(8L, 12L)
                    .isEqualTo(summary.get("errors").asLong());
            assertThat(summary.get("requests").asLong()).isZero();
        }
    }

    @Test
    void anAnsweredLateDatagramIsNotTakenForTheNextOne() throws Exception {
        // The echo answers, but only after the timeout: every request times out, none is answered.
        try (TestUdpServer late = new TestUdpServer(true, 150)) {
            JsonNode summary = Loadtest.run("--target", late.target(), "--udp", "-c", "1", "-d", "1s",
                    "--timeout", "100ms", "--json").json();

            assertThat(summary.get("requests").asLong()).isZero();
            assertThat(summary.get("errors_timeout").asLong()).isPositive();
        }
    }
}
