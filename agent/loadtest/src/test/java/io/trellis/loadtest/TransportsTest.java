package io.trellis.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The same run on each transport this machine has: the native ones report errors their own way. */
class TransportsTest {

    private static Summary run(EventLoops.Transport transport, int port, LoadSettings.Protocol protocol)
            throws InterruptedException {
        Assumptions.assumeTrue(transport.available(), transport + " is not available here");
        LoadSettings settings = new LoadSettings(new TargetAddress("127.0.0.1", port),
                new InetSocketAddress("127.0.0.1", port), protocol, "/", false, 2, Duration.ofMillis(500), 0,
                Duration.ofMillis(200), 1);
        return LoadRun.run(settings, new PrintWriter(Writer.nullWriter()), transport);
    }

    @ParameterizedTest
    @EnumSource(EventLoops.Transport.class)
    void httpAnswersAreCounted(EventLoops.Transport transport) throws InterruptedException {
        try (TestHttpServer server = new TestHttpServer(n -> TestHttpServer.Reply.ok())) {
            Summary summary = run(transport, server.port(), LoadSettings.Protocol.HTTP);

            assertThat(summary.transport()).isEqualTo(transport.label());
            assertThat(summary.requests()).isPositive().isEqualTo(server.requests());
            assertThat(summary.errorCount()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(EventLoops.Transport.class)
    void aClosedTcpPortIsConnectRefused(EventLoops.Transport transport) throws Exception {
        Summary summary = run(transport, closedTcpPort(), LoadSettings.Protocol.HTTP);

        assertThat(summary.errors(ErrorKind.CONNECT_REFUSED)).isPositive().isEqualTo(summary.errorCount());
    }

    @ParameterizedTest
    @EnumSource(EventLoops.Transport.class)
    void udpEchoesAreCounted(EventLoops.Transport transport) throws Exception {
        try (TestUdpServer echo = new TestUdpServer(true)) {
            Summary summary = run(transport, echo.port(), LoadSettings.Protocol.UDP);

            assertThat(summary.requests()).isPositive().isEqualTo(echo.echoed());
            assertThat(summary.errorCount()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(EventLoops.Transport.class)
    void aClosedUdpPortIsConnectRefused(EventLoops.Transport transport) throws Exception {
        Summary summary = run(transport, closedUdpPort(), LoadSettings.Protocol.UDP);

        assertThat(summary.errors(ErrorKind.CONNECT_REFUSED)).isPositive().isEqualTo(summary.errorCount());
    }

    private static int closedTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int closedUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
