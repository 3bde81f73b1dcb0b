package io.trellis.dataplane.dns;

import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsSection;
import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's resolver, played by one UDP socket on port 53 of a namespace: answers the names it is
 * given, ignores every other (so a forward times out).
 */
final class FakeUpstream implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<String, String> answers;
    private final Thread thread;
    final AtomicInteger queries = new AtomicInteger();

    private FakeUpstream(DatagramSocket socket, Map<String, String> answers) {
        this.socket = socket;
        this.answers = answers;
        this.thread = new Thread(this::serve, "fake-upstream");
        thread.setDaemon(true);
        thread.start();
    }

    /** Listens on {@code address}:53 inside {@code namespace}; {@code answers} maps names (with the dot) to an address. */
    static FakeUpstream start(NetworkNamespace namespace, String address, Map<String, String> answers) throws Exception {
        DatagramSocket socket = namespace.call(() -> new DatagramSocket(new InetSocketAddress(address, 53)));
        return new FakeUpstream(socket, answers);
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                continue;
            }
            queries.incrementAndGet();
            DnsQuery query = Wire.decodeQuery(Arrays.copyOf(buffer, packet.getLength()));
            String name;
            try {
                name = query.recordAt(DnsSection.QUESTION).name();
            } finally {
                query.release();
            }
            String address = answers.get(name);
            if (address != null) {
                byte[] answer = Wire.response(query.id(), name, address);
                try {
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                } catch (IOException e) {
                    // the forwarder will time out, as with a lost datagram
                }
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
