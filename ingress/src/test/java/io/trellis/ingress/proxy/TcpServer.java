package io.trellis.ingress.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plain blocking backend on 127.0.0.1: one thread per connection running {@link Behaviour}. */
final class TcpServer implements AutoCloseable {
    interface Behaviour {
        void serve(Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private TcpServer(Behaviour behaviour) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.add(socket);
                    Thread worker = new Thread(() -> {
                        try (socket) {
                            behaviour.serve(socket);
                        } catch (IOException ignored) {
                            // The test or the proxy ended the connection.
                        }
                    }, "backend-connection");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "backend-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static TcpServer start(Behaviour behaviour) throws IOException {
        return new TcpServer(behaviour);
    }

    /** Echoes every byte until the client's FIN, then closes. */
    static TcpServer echo() throws IOException {
        return start(socket -> socket.getInputStream().transferTo(socket.getOutputStream()));
    }

    /** Reads to the client's FIN, then answers "got N" and closes: works only if half-close is relayed. */
    static TcpServer countUntilFin() throws IOException {
        return start(socket -> {
            long n = socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            socket.getOutputStream().write(("got " + n).getBytes(StandardCharsets.US_ASCII));
        });
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    int connections() {
        return accepted.size();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }
}
