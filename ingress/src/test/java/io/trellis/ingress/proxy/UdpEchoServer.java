package io.trellis.ingress.proxy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A UDP backend on 127.0.0.1 answering "NAME:payload" to whoever sent, and remembering who that was. */
final class UdpEchoServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final Set<InetSocketAddress> peers = ConcurrentHashMap.newKeySet();

    UdpEchoServer(String name) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        byte[] prefix = (name + ":").getBytes(StandardCharsets.US_ASCII);
        Thread loop = new Thread(() -> {
            byte[] buffer = new byte[2048];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                    socket.receive(in);
                    peers.add((InetSocketAddress) in.getSocketAddress());
                    byte[] reply = new byte[prefix.length + in.getLength()];
                    System.arraycopy(prefix, 0, reply, 0, prefix.length);
                    System.arraycopy(buffer, 0, reply, prefix.length, in.getLength());
                    socket.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
                } catch (IOException closed) {
                    return;
                }
            }
        }, "udp-backend-" + name);
        loop.setDaemon(true);
        loop.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** The distinct source addresses seen: one per proxy flow. */
    int peers() {
        return peers.size();
    }

    @Override
    public void close() {
        socket.close();
    }
}
