package io.trellis.api.client;

import java.nio.file.Path;

/**
 * Where the admin API listens or is reached, written like the Docker CLI's {@code -H}:
 * {@code unix:///run/trellis/trellis.sock} or {@code tcp://127.0.0.1:9323}.
 */
public sealed interface AdminHost permits AdminHost.Unix, AdminHost.Tcp {

    String FORMS = "use unix:///path/to/socket or tcp://host:port";

    /** Parses {@code unix:///absolute/path} or {@code tcp://host:port} ({@code [v6]:port} too). */
    static AdminHost parse(String host) {
        if (host != null && host.startsWith("unix://")) {
            String path = host.substring("unix://".length());
            if (path.startsWith("/") && path.length() > 1) {
                return new Unix(Path.of(path));
            }
        } else if (host != null && host.startsWith("tcp://")) {
            String authority = host.substring("tcp://".length());
            int colon = authority.lastIndexOf(':');
            if (colon > 0) {
                String name = authority.substring(0, colon);
                if (name.startsWith("[") && name.endsWith("]")) {
                    name = name.substring(1, name.length() - 1);
                }
                Integer port = parsePort(authority.substring(colon + 1));
                if (!name.isEmpty() && port != null) {
                    return new Tcp(name, port);
                }
            }
        }
        throw new IllegalArgumentException("invalid host \"" + host + "\": " + FORMS);
    }

    private static Integer parsePort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int port = Integer.parseInt(text);
        // Port 0 is only meaningful to a listener: the kernel picks a free port (see AdminServer#boundHosts).
        return port <= 65535 ? port : null;
    }

    /** A Unix domain socket; the path is absolute. */
    record Unix(Path path) implements AdminHost {
        @Override
        public String toString() {
            return "unix://" + path;
        }
    }

    /** A TCP address; {@code host} is a name or a literal address without brackets. */
    record Tcp(String host, int port) implements AdminHost {
        @Override
        public String toString() {
            return "tcp://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
