package io.trellis.admin;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Turns away what a web browser can send but no admin client does, before a request reaches the
 * router: a page the operator visits can make the browser connect to 127.0.0.1 and POST there.
 * Refused are any request with an {@code Origin} or {@code Sec-Fetch-Site} header (only browsers
 * send them), bodies that are not {@code application/json} (the content types a page may send
 * without a CORS preflight are all others), and, on admin listeners, a {@code Host} that is not
 * this listener's own (DNS rebinding points a page's own name at 127.0.0.1).
 */
final class RequestScreen {
    /** What a Unix-socket client may call the agent: the JDK client and curl say {@code localhost}. */
    private static final Set<String> UNIX_HOSTS = Set.of("", "localhost");

    private final Kind kind;
    private final Set<String> ownNames;

    enum Kind {
        /** Host must be {@code localhost} or absent. */
        UNIX,
        /** Host must be an IP literal, {@code localhost} or one of this machine's names, on the listener's port. */
        TCP,
        /** The cluster port: peers dial managers by whatever name the operator gave; Host is not checked. */
        ANY_HOST
    }

    private RequestScreen(Kind kind, Set<String> ownNames) {
        this.kind = kind;
        this.ownNames = ownNames;
    }

    static RequestScreen unix() {
        return new RequestScreen(Kind.UNIX, UNIX_HOSTS);
    }

    /** @param bindHost the host the listener was given ({@code node1.example}, {@code 0.0.0.0}) */
    static RequestScreen tcp(String bindHost) {
        java.util.HashSet<String> names = new java.util.HashSet<>(Set.of("localhost", lower(bindHost)));
        try {
            InetAddress self = InetAddress.getLocalHost();
            names.add(lower(self.getHostName()));
            names.add(lower(self.getCanonicalHostName()));
        } catch (UnknownHostException e) {
            // no name for this machine: addresses and localhost still work
        }
        return new RequestScreen(Kind.TCP, Set.copyOf(names));
    }

    static RequestScreen anyHost() {
        return new RequestScreen(Kind.ANY_HOST, Set.of());
    }

    /** The refusal for {@code http}, or {@code null} when it may go on. */
    AdminResponse check(FullHttpRequest http, SocketAddress local) {
        HttpHeaders headers = http.headers();
        if (headers.contains(HttpHeaderNames.ORIGIN) || headers.contains("Sec-Fetch-Site")) {
            return AdminResponse.error(403, "request refused: it comes from a web page (Origin header)");
        }
        String host = headers.get(HttpHeaderNames.HOST);
        if (host != null && !hostAllowed(host.strip(), local)) {
            return AdminResponse.error(403, "request refused: Host \"" + host + "\" is not this agent's address");
        }
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        boolean hasBody = http.content().isReadable();
        if ((type != null || hasBody) && !isJson(type)) {
            return AdminResponse.error(415, "request refused: the body must be application/json, not "
                    + (type == null ? "untyped" : type));
        }
        return null;
    }

    private boolean hostAllowed(String host, SocketAddress local) {
        switch (kind) {
            case ANY_HOST:
                return true;
            case UNIX:
                return ownNames.contains(lower(host));
            default:
                String name = host;
                int port = -1;
                int colon = host.lastIndexOf(':');
                if (colon >= 0 && host.indexOf(']', colon) < 0) {
                    try {
                        port = Integer.parseInt(host.substring(colon + 1));
                    } catch (NumberFormatException e) {
                        return false;
                    }
                    name = host.substring(0, colon);
                }
                if (port >= 0 && local instanceof InetSocketAddress l && port != l.getPort()) {
                    return false;
                }
                if (name.startsWith("[") && name.endsWith("]")) {
                    return isIpLiteral(name.substring(1, name.length() - 1));
                }
                return isIpLiteral(name) || ownNames.contains(lower(name));
        }
    }

    /** A literal address cannot be a rebinding attack: that needs a name the attacker controls. */
    private static boolean isIpLiteral(String name) {
        if (!name.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return false;
        }
        try {
            InetAddress.getByName(name); // literal: parsed, never looked up
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isJson(String type) {
        if (type == null) {
            return false;
        }
        int semicolon = type.indexOf(';');
        return lower((semicolon < 0 ? type : type.substring(0, semicolon)).strip()).equals("application/json");
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
