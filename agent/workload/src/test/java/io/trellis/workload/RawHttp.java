package io.trellis.workload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what an HTTP client library hides: bytes before the request
 * (a PROXY header), two requests on one known connection, how the server ends the connection.
 */
final class RawHttp implements AutoCloseable {
    /** Bounds every read: a test waiting on a server that never answers fails instead of hanging. */
    private static final int READ_TIMEOUT_MILLIS = 5_000;
    private static final int MAX_HEAD_BYTES = 16 * 1024;

    record Reply(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(InetSocketAddress server) throws IOException {
        socket = new Socket();
        socket.connect(server, READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** {@code 127.0.0.1:43122}: the client's end, as the server sees it without a proxy. */
    String localAddress() {
        return Workload.format(new InetSocketAddress(socket.getLocalAddress(), socket.getLocalPort()));
    }

    RawHttp write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    RawHttp write(String ascii) throws IOException {
        return write(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: whoami\r\n\r\n";
    }

    /** The next reply, or {@code null} if the server closed the connection (FIN) before one began. */
    Reply read() throws IOException {
        String head = head();
        if (head == null) {
            return null;
        }
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("connection closed in the body");
        }
        return new Reply(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private String head() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < MAX_HEAD_BYTES) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed in the reply head: " + head);
            }
            head.write(b);
            String text = head.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n")) {
                return text.substring(0, text.length() - 4);
            }
        }
        throw new IOException("reply head over " + MAX_HEAD_BYTES + " bytes");
    }

    /** What a read gets once the server is done: -1 after its FIN; a reset throws instead. */
    int readEnd() throws IOException {
        return in.read();
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
