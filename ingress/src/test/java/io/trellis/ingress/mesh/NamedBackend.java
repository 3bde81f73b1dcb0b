package io.trellis.ingress.mesh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend on 127.0.0.1 that answers each connection with its name, then keeps it open until the peer
 * closes (so a test can hold connections open through the proxy).
 */
final class NamedBackend implements AutoCloseable {
    private final String name;
    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    NamedBackend(String name) throws IOException {
        this.name = name;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "backend-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.add(s);
                s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                Thread drain = new Thread(() -> {
                    try (InputStream in = s.getInputStream()) {
                        in.transferTo(OutputStream.nullOutputStream());
                    } catch (IOException ignored) {
                        // closed by either side
                    }
                }, "drain-" + name);
                drain.setDaemon(true);
                drain.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    String name() {
        return name;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
