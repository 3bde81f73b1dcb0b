package io.trellis.api.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The CLI's side of the admin API: one HTTP/1.1 request per connection ({@code Connection: close}),
 * JDK only, since the CLI is a short-lived process that should not pay for starting Netty.
 */
public final class AdminClient {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final AdminHost host;

    public AdminClient(AdminHost host) {
        this.host = host;
    }

    /**
     * @param host {@code unix:///path} or {@code tcp://host:port}
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
        try (SocketChannel channel = connect()) {
            HttpReplyReader reply = exchange(channel, method, pathAndQuery, jsonBodyOrNull);
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
        try (SocketChannel channel = connect()) {
            HttpReplyReader reply = exchange(channel, method, pathAndQuery, body);
            reply.copyBody(out);
            return reply.status();
        }
    }

    private SocketChannel connect() throws AgentUnreachableException {
        SocketChannel channel = null;
        try {
            if (host instanceof AdminHost.Unix unix) {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(UnixDomainSocketAddress.of(unix.path()));
            } else {
                AdminHost.Tcp tcp = (AdminHost.Tcp) host;
                channel = SocketChannel.open();
                // The socket adaptor is the only JDK way to bound a blocking connect's wait.
                channel.socket().connect(new InetSocketAddress(tcp.host(), tcp.port()), CONNECT_TIMEOUT_MILLIS);
            }
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new AgentUnreachableException(host, e);
        }
    }

    private HttpReplyReader exchange(SocketChannel channel, String method, String pathAndQuery, byte[] body)
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

        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel));
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
        return HttpReplyReader.readHead(in);
    }

    private static void closeQuietly(SocketChannel channel) {
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
