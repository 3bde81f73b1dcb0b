package io.trellis.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.trellis.api.Json;
import io.trellis.api.client.AdminClient;
import io.trellis.api.client.AdminHost;
import io.trellis.api.client.AgentUnreachableException;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The CLI's view of the agent's admin API: finds it like the Docker CLI ({@code --host}, then
 * {@code TRELLIS_HOST}, then the default socket) and turns HTTP errors into exit codes.
 */
public final class AgentConnection {
    public static final String HOST_ENV = "TRELLIS_HOST";
    public static final String HOST_DEFAULT = "unix:///run/trellis/trellis.sock";

    private final AdminClient client;

    private AgentConnection(AdminClient client) {
        this.client = client;
    }

    public static String resolveHost(String flag) {
        if (flag != null && !flag.isBlank()) {
            return flag;
        }
        String env = System.getenv(HOST_ENV);
        return env != null && !env.isBlank() ? env : HOST_DEFAULT;
    }

    /** Without TLS flags: a {@code tcp://} host then takes its files from {@code $TRELLIS_CERT_PATH}. */
    public static AgentConnection to(String hostFlag) {
        return to(hostFlag, new TlsOptions());
    }

    /** @param tls the TLS files for a {@code tcp://} host; a Unix socket needs none */
    public static AgentConnection to(String hostFlag, TlsOptions tls) {
        AdminHost host;
        try {
            host = AdminHost.parse(resolveHost(hostFlag));
        } catch (IllegalArgumentException e) {
            throw CliException.user(e.getMessage());
        }
        return new AgentConnection(host instanceof AdminHost.Tcp ? new AdminClient(host, tls.clientContext())
                : new AdminClient(host));
    }

    public <T> T get(String path, Class<T> type) {
        return Json.read(call("GET", path, null), type);
    }

    public <T> T get(String path, TypeReference<T> type) {
        return Json.read(call("GET", path, null), type);
    }

    public <T> T post(String path, Object body, Class<T> type) {
        return Json.read(call("POST", path, Json.bytes(body)), type);
    }

    public <T> T post(String path, Object body, TypeReference<T> type) {
        return Json.read(call("POST", path, Json.bytes(body)), type);
    }

    public void delete(String path) {
        call("DELETE", path, null);
    }

    /** A plain-text resource such as {@code /metrics}. */
    public String text(String path) {
        return new String(call("GET", path, null), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Copies a streamed response (logs) to {@code out} as it arrives. */
    public void stream(String path, OutputStream out) {
        try {
            int status = client.stream("GET", path, null, out);
            if (status >= 300) {
                throw new CliException(exitCodeFor(status), "the agent answered " + status);
            }
        } catch (AgentUnreachableException e) {
            throw new CliException(CliException.UNREACHABLE, e.getMessage());
        } catch (IOException e) {
            throw new CliException(CliException.UNREACHABLE, "lost the connection to the agent: " + e.getMessage());
        }
    }

    /**
     * POSTs {@code body} and hands the streamed reply to {@code out} when the agent accepted the request; a
     * refusal becomes a {@link CliException} with the agent's one-line message.
     */
    public void streamPost(String path, Object body, OutputStream out) {
        java.io.ByteArrayOutputStream refusal = new java.io.ByteArrayOutputStream();
        int status;
        try {
            status = client.stream("POST", path, Json.bytes(body), s -> s >= 300 ? refusal : out);
        } catch (AgentUnreachableException e) {
            throw new CliException(CliException.UNREACHABLE, e.getMessage());
        } catch (IOException e) {
            throw new CliException(CliException.UNREACHABLE, "lost the connection to the agent: " + e.getMessage());
        }
        if (status >= 300) {
            throw new CliException(exitCodeFor(status), errorMessage(refusal.toByteArray(), status));
        }
    }

    private byte[] call(String method, String path, byte[] body) {
        AdminClient.Response r;
        try {
            r = client.send(method, path, body);
        } catch (AgentUnreachableException e) {
            throw new CliException(CliException.UNREACHABLE, e.getMessage());
        } catch (IOException e) {
            throw new CliException(CliException.UNREACHABLE, "lost the connection to the agent: " + e.getMessage());
        }
        if (r.status() >= 300) {
            throw new CliException(exitCodeFor(r.status()), errorMessage(r.body(), r.status()));
        }
        return r.body();
    }

    private static int exitCodeFor(int status) {
        if (status == 503) {
            return CliException.UNREACHABLE;
        }
        return status >= 500 ? CliException.INTERNAL : CliException.USER_ERROR;
    }

    private static String errorMessage(byte[] body, int status) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            if (n != null && n.hasNonNull("message")) {
                return n.get("message").asText();
            }
        } catch (IOException ignored) {
            // not JSON: fall through to the raw text
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "the agent answered HTTP " + status : text;
    }
}
