package io.trellis.workload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks a line service (the queue, the store) one line and reads its one-line answer, on a connection
 * kept between calls. A failed call drops the connection, so the next one connects and resolves the
 * name again: the other service may have restarted elsewhere. One caller at a time.
 */
final class LineClient implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final InetSocketAddress server;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    LineClient(InetSocketAddress server) {
        this.server = server;
    }

    /** @throws IOException the service could not be reached or did not answer in time; the call is not retried */
    synchronized String call(String line) throws IOException {
        try {
            if (socket == null) {
                connect();
            }
            out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readLine();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void connect() throws IOException {
        // Resolved here, not once: an unresolved name in the socket address is looked up on every connect.
        InetSocketAddress target = new InetSocketAddress(server.getHostString(), server.getPort());
        if (target.isUnresolved()) {
            throw new IOException("cannot resolve " + server.getHostString());
        }
        Socket s = new Socket();
        try {
            s.connect(target, (int) TIMEOUT.toMillis());
            s.setSoTimeout((int) TIMEOUT.toMillis());
            s.setTcpNoDelay(true);
            in = s.getInputStream();
            out = s.getOutputStream();
            socket = s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException(server.getHostString() + " closed the connection");
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.US_ASCII);
            }
            if (line.size() >= LineServer.MAX_LINE) {
                throw new IOException(server.getHostString() + " answered a line longer than " + LineServer.MAX_LINE);
            }
            line.write(b);
        }
    }

    @Override
    public synchronized void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // the connection is dropped either way
            }
            socket = null;
        }
    }
}
