package io.trellis.loadtest;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP socket on 127.0.0.1 that echoes every datagram (after a delay if told), or with
 * {@code echo} false receives nothing.
 */
final class TestUdpServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final long delayMillis;
    private final AtomicLong echoed = new AtomicLong();
    private final Thread loop;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();

    TestUdpServer(boolean echo) throws IOException {
        this(echo, 0);
    }

    TestUdpServer(boolean echo, long delayMillis) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.delayMillis = delayMillis;
        this.loop = new Thread(this::echo, "test-udp-echo");
        loop.setDaemon(true);
        if (echo) {
            loop.start();
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    String target() {
        return "127.0.0.1:" + port();
    }

    long echoed() {
        return echoed.get();
    }

    private void echo() {
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            while (true) {
                packet.setLength(buffer.length);
                socket.receive(packet);
                if (delayMillis == 0) {
                    send(packet);
                } else {
                    DatagramPacket copy = new DatagramPacket(Arrays.copyOf(buffer, packet.getLength()), packet.getLength(),
                            packet.getSocketAddress());
                    later.schedule(() -> send(copy), delayMillis, TimeUnit.MILLISECONDS);
                }
            }
        } catch (SocketException closed) {
            // close() ends the loop
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void send(DatagramPacket packet) {
        try {
            socket.send(packet);
            echoed.incrementAndGet();
        } catch (IOException e) {
            // closed meanwhile: the test is over
        }
    }

    @Override
    public void close() {
        later.shutdownNow();
        socket.close();
        try {
            loop.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
