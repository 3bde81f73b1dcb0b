package io.trellis.api.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The CLI's side of the admin API: one HTTP/1.1 request per connection ({@code Connection: close}),
 * JDK only, since the CLI is a short-lived process that should not pay for starting Netty. Over TCP
 * it speaks mutual TLS only and checks the agent's certificate against the address dialled, as
 * HTTPS does.
 */
public final class AdminClient {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** Bounds a handshake with something that accepts connections but never answers. */
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final AdminHost host;
    private final SSLContext tls;

    /** A client for a Unix socket. */
    public AdminClient(AdminHost host) {
        this(host, null);
    }

    /**
     * @param tls the CA to trust and the client certificate to present ({@link ClientTls});
     *            required for a TCP host, ignored for a Unix socket
     * @throws IllegalArgumentException for a TCP host without {@code tls}
     */
    public AdminClient(AdminHost host, SSLContext tls) {
        if (host instanceof AdminHost.Tcp && tls == null) {
            throw new IllegalArgumentException("the admin API on " + host + " needs TLS: a CA certificate, "
                    + "a client certificate and its key");
        }
        this.host = host;
        this.tls = tls;
    }

    /**
     * @param host {@code unix:///path} (a TCP host needs {@link #AdminClient(AdminHost, SSLContext)})
     * @throws IllegalArgumentException for any other form
     */
    public static AdminClient forHost(String host) {
        return new AdminClient(AdminHost.parse(host));
    }

    public AdminHost host() {
        return host;
    }

    /**
     * Sends one request and reads the whole reply, whatever its status.
     *
     * @param jsonBodyOrNull sent as {@code application/json}; {@code null} sends no body
     * @throws AgentUnreachableException when no connection could be made
     */
    public Response send(String method, String pathAndQuery, byte[] jsonBodyOrNull) throws IOException {
        try (Connection c = connect()) {
            HttpReplyReader reply = exchange(c, method, pathAndQuery, jsonBodyOrNull);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            reply.copyBody(body);
            return new Response(reply.status(), body.toByteArray());
        }
    }

    /**
     * Sends one request and copies the reply body to {@code out} as it arrives, flushing after each
     * chunk; for {@code logs --follow} this returns only when the agent ends the reply. The body is
     * copied whatever the status, so an error reply writes its JSON {@code {"message": …}} there.
     *
     * @return the reply's status
     * @throws AgentUnreachableException when no connection could be made
     */
    public int stream(String method, String pathAndQuery, byte[] body, OutputStream out) throws IOException {
        return stream(method, pathAndQuery, body, status -> out);
    }

    /** As {@link #stream(String, String, byte[], OutputStream)}, the body going where its status says. */
    public int stream(String method, String pathAndQuery, byte[] body, IntFunction<OutputStream> outForStatus)
            throws IOException {
        try (Connection c = connect()) {
            HttpReplyReader reply = exchange(c, method, pathAndQuery, body);
            reply.copyBody(outForStatus.apply(reply.status()));
            return reply.status();
        }
    }

    /** A connected byte stream to the agent, plain or TLS. */
    private record Connection(InputStream in, OutputStream out, Closeable closer) implements Closeable {
        @Override
        public void close() throws IOException {
            closer.close();
        }
    }

    private Connection connect() throws AgentUnreachableException {
        if (host instanceof AdminHost.Unix unix) {
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(UnixDomainSocketAddress.of(unix.path()));
                return new Connection(Channels.newInputStream(channel), Channels.newOutputStream(channel), channel);
            } catch (IOException e) {
                closeQuietly(channel);
                throw new AgentUnreachableException(host, e);
            }
        }
        AdminHost.Tcp tcp = (AdminHost.Tcp) host;
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(tcp.host(), tcp.port()), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            closeQuietly(plain);
            throw new AgentUnreachableException(host, e);
        }
        try {
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, tcp.host(), tcp.port(), true);
            SSLParameters params = socket.getSSLParameters();
            // The agent's certificate must name the address we dialled, like any HTTPS server's.
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
            socket.startHandshake();
            socket.setSoTimeout(0);
            return new Connection(socket.getInputStream(), socket.getOutputStream(), socket);
        } catch (IOException e) {
            closeQuietly(plain);
            throw new AgentUnreachableException("the TLS handshake with the Trellis agent at " + host
                    + " failed: " + innermost(e), e);
        }
    }

    private static String innermost(Throwable e) {
        String message = e.toString();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }

    private HttpReplyReader exchange(Connection c, String method, String pathAndQuery, byte[] body)
            throws IOException {
        String authority = host instanceof AdminHost.Tcp tcp ? tcp.toString().substring("tcp://".length())
                : "localhost"; // RFC 9112 §3.2 requires a Host header even where it means nothing
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n")
                .append("Host: ").append(authority).append("\r\n")
                .append("User-Agent: trellis-cli\r\n")
                .append("Accept: application/json\r\n")
                .append("Connection: close\r\n");
        if (body != null) {
            head.append("Content-Type: application/json\r\n");
        }
        head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n\r\n");

        OutputStream out = new BufferedOutputStream(c.out());
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        InputStream in = new BufferedInputStream(c.in());
        return HttpReplyReader.readHead(in);
    }

    private static void closeQuietly(Closeable channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing; the connect error is the one worth reporting
            }
        }
    }

    /** A reply's status and complete body. */
    public record Response(int status, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
