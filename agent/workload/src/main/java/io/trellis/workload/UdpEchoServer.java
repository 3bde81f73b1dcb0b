package io.trellis.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/** The udp echo workload: every datagram goes back to its sender, from one blocking thread. */
final class UdpEchoServer implements Workload {
    /** The largest UDP payload over IPv4 (65535 − 20 IP − 8 UDP header bytes). */
    private static final int MAX_DATAGRAM = 65_507;

    private final DatagramChannel channel;
    private final Thread loop;

    private UdpEchoServer(DatagramChannel channel) {
        this.channel = channel;
        this.loop = new Thread(this::run, "udp-echo");
        loop.setDaemon(true);
    }

    static UdpEchoServer start(InetSocketAddress address) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.bind(address);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        UdpEchoServer echo = new UdpEchoServer(channel);
        echo.loop.start();
        return echo;
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        try {
            while (true) {
                buffer.clear();
                SocketAddress sender = channel.receive(buffer);
                buffer.flip();
                try {
                    channel.send(buffer, sender);
                } catch (ClosedChannelException closed) {
                    throw closed;
                } catch (IOException e) {
                    // A reply the kernel refuses (no route, no buffer space) is a lost datagram, as UDP allows.
                }
            }
        } catch (ClosedChannelException closed) {
            // close() ends the loop by closing the channel under the blocked receive
        } catch (IOException e) {
            throw new UncheckedIOException("udp echo stopped", e);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
            loop.join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
