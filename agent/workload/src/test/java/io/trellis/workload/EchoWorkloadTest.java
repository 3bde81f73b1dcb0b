package io.trellis.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EchoWorkloadTest {
    private static final WorkloadIdentity ECHO_1 = new WorkloadIdentity("echo.1", "id", "echo", "node1");

    private static Workload start(String... extraArgs) throws Exception {
        EchoWorkload command = new EchoWorkload();
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(HttpWorkloadTest.freePort()),
                "--bind", "127.0.0.1"));
        args.addAll(List.of(extraArgs));
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        return command.start(ECHO_1);
    }

    @Test
    void echoesEveryByteOnManyConcurrentConnections() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(32);
        try (Workload echo = start()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int c = 0; c < 64; c++) {
                int seed = c;
                results.add(clients.submit(() -> roundTrip(echo, seed)));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(20, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** Sends 256 KiB in 4 KiB pieces, reading each echo back before the next. */
    private static boolean roundTrip(Workload echo, int seed) throws Exception {
        Random random = new Random(seed);
        try (Socket socket = new Socket(echo.localAddress().getAddress(), echo.localAddress().getPort())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 64; i++) {
                byte[] sent = new byte[4096];
                random.nextBytes(sent);
                out.write(sent);
                if (!Arrays.equals(in.readNBytes(sent.length), sent)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void echoesWhatWasSentBeforeTheClientHalfClosed() throws Exception {
        try (Workload echo = start();
             Socket socket = new Socket(echo.localAddress().getAddress(), echo.localAddress().getPort())) {
            byte[] sent = new byte[100_000];
            new Random(7).nextBytes(sent);
            Thread writer = new Thread(() -> {
                try {
                    socket.getOutputStream().write(sent);
                    socket.shutdownOutput();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();

            byte[] echoed = socket.getInputStream().readAllBytes(); // returns once the server closes

            writer.join();
            assertThat(echoed).isEqualTo(sent);
        }
    }

    @Test
    void udpEchoesEachDatagramToItsSender() throws Exception {
        try (Workload echo = start("--udp");
             DatagramSocket alice = new DatagramSocket(0, echo.localAddress().getAddress());
             DatagramSocket bob = new DatagramSocket(0, echo.localAddress().getAddress())) {
            alice.setSoTimeout(5_000);
            bob.setSoTimeout(5_000);

            alice.send(new DatagramPacket("from alice".getBytes(), 10, echo.localAddress()));
            bob.send(new DatagramPacket("from bob, longer".getBytes(), 16, echo.localAddress()));

            assertThat(receive(alice)).isEqualTo("from alice");
            assertThat(receive(bob)).isEqualTo("from bob, longer");
        }
    }

    private static String receive(DatagramSocket socket) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength());
    }
}
