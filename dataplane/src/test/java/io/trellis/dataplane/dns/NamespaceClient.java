package io.trellis.dataplane.dns;

import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;

/** A stub resolver inside a task's namespace: sockets made there by NetworkNamespace.call. */
final class NamespaceClient {
    private static final int TIMEOUT_MILLIS = 5_000;

    private final NetworkNamespace namespace;

    NamespaceClient(NetworkNamespace namespace) {
        this.namespace = namespace;
    }

    /** Sends each datagram to 127.0.0.11:53 in turn from one socket, then returns the first answer. */
    byte[] udp(List<byte[]> datagrams) throws Exception {
        return namespace.call(() -> {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                socket.setSoTimeout(TIMEOUT_MILLIS);
                // Connected, so a closed port shows as PortUnreachableException rather than a timeout.
                socket.connect(Wire.SERVER);
                for (byte[] datagram : datagrams) {
                    socket.send(new DatagramPacket(datagram, datagram.length));
                }
                byte[] buffer = new byte[65_536];
                DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
                socket.receive(answer);
                return Arrays.copyOf(buffer, answer.getLength());
            }
        });
    }

    byte[] udp(byte[] query) throws Exception {
        return udp(List.of(query));
    }

    /** One query over a new TCP connection, length-prefixed both ways. */
    byte[] tcp(byte[] query) throws Exception {
        return namespace.call(() -> {
            try (Socket socket = connect()) {
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                out.writeShort(query.length);
                out.write(query);
                out.flush();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                byte[] answer = new byte[in.readUnsignedShort()];
                in.readFully(answer);
                return answer;
            }
        });
    }

    /** Sends {@code bytes} raw over a new TCP connection; returns what {@code read()} gives next (-1: closed). */
    int tcpRaw(byte[] bytes) throws Exception {
        return namespace.call(() -> {
            try (Socket socket = connect()) {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
                return socket.getInputStream().read();
            }
        });
    }

    /** Whether a TCP connection to 127.0.0.11:53 is accepted. */
    boolean tcpListening() throws Exception {
        return namespace.call(() -> {
            try (Socket socket = connect()) {
                return socket.isConnected();
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.connect(Wire.SERVER, TIMEOUT_MILLIS);
        return socket;
    }
}
