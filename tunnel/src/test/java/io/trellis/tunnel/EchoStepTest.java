package io.trellis.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.cli.CliException;
import io.trellis.workload.EchoWorkload;
import io.trellis.workload.Workload;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

class EchoStepTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** The client in this JVM's own namespace, on loopback. */
    private static final EchoStep.Place HERE = Callable::call;

    @Test
    void anEchoedMessagePasses() throws Exception {
        try (Workload echo = EchoWorkload.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Duration rtt = EchoStep.run("loopback", HERE, echo.localAddress(), "hello", TIMEOUT);

            assertThat(rtt).isPositive().isLessThan(TIMEOUT);
        }
    }

    @Test
    void aStepThatReceivesNothingEndsTheDemoWithOneLine() throws Exception {
        // Accepts the connection, never answers: the message is sent and nothing comes back.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> EchoStep.run("kernel VXLAN to Trellis", HERE,
                    (InetSocketAddress) silent.getLocalSocketAddress(), "hello", TIMEOUT))
                    .isInstanceOfSatisfying(CliException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(1);
                        assertThat(e.getMessage()).isEqualTo("demo: kernel VXLAN to Trellis: no echo from 127.0.0.1:"
                                + silent.getLocalPort() + " within 500 ms (nothing came back)").doesNotContain("\n");
                    });
        }
    }

    @Test
    void nobodyListeningEndsTheDemoWithOneLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> EchoStep.run("encrypted", HERE, new InetSocketAddress("127.0.0.1", port), "hi", TIMEOUT))
                .isInstanceOfSatisfying(CliException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(1);
                    assertThat(e.getMessage()).startsWith("demo: encrypted: no echo from 127.0.0.1:" + port)
                            .contains("refused").doesNotContain("\n");
                });
    }

    @Test
    void aWrongEchoFails() throws Exception {
        try (ServerSocket liar = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = liar.accept()) {
                    s.getInputStream().readNBytes(5);
                    s.getOutputStream().write("HELLO".getBytes());
                } catch (Exception e) {
                    // the test fails on what the client saw
                }
            });
            server.start();
            assertThatThrownBy(() -> EchoStep.run("step", HERE, (InetSocketAddress) liar.getLocalSocketAddress(),
                    "hello", TIMEOUT))
                    .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.getMessage())
                            .contains("the echo differs from the message"));
            server.join(5_000);
        }
    }
}
