package io.trellis.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trellis workload fetch URL}: a tiny HTTP client to run inside a task (or with
 * {@code nsenter} in its namespaces), so users can see service names resolve through the embedded
 * DNS and requests to a VIP spread over its tasks. Each request is a new connection, so each is
 * balanced on its own; one line per answer says which task served it.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "GET (or --post) a URL several times, one connection each, and print which task answered.")
public final class FetchCommand implements Callable<Integer> {
    private static final int MAX_BODY = 64 * 1024;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "e.g. http://web:80/")
    String url;

    @Option(names = "--count", defaultValue = "1", description = "Requests to make (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--timeout-ms", defaultValue = "2000", description = "Connect and read timeout (default ${DEFAULT-VALUE}).")
    int timeoutMillis;

    @Option(names = "--post", paramLabel = "FORM",
            description = "POST this form (application/x-www-form-urlencoded, e.g. option=a) instead of a GET.")
    String post;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (count < 1 || count > 10_000) {
            err.println("invalid --count " + count + ": must be 1-10000");
            return 1;
        }
        URL target;
        try {
            target = URI.create(url).toURL();
        } catch (IllegalArgumentException | IOException e) {
            err.println("invalid URL " + url + ": " + e.getMessage());
            return 1;
        }
        int failures = 0;
        for (int i = 1; i <= count; i++) {
            try {
                out.println(i + ": " + summary(get(target)));
            } catch (IOException e) {
                failures++;
                out.println(i + ": failed: " + e);
            }
            out.flush();
        }
        return failures == 0 ? 0 : 1;
    }

    private String get(URL target) throws IOException {
        HttpURLConnection c = (HttpURLConnection) target.openConnection();
        c.setConnectTimeout(timeoutMillis);
        c.setReadTimeout(timeoutMillis);
        c.setRequestProperty("Connection", "close"); // one connection per request: each is balanced anew
        // As curl: a page that answers browsers in HTML gives plain text here.
        c.setRequestProperty("Accept", "*/*");
        if (post != null) {
            byte[] form = post.getBytes(StandardCharsets.UTF_8);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
            c.setFixedLengthStreamingMode(form.length);
            try (OutputStream body = c.getOutputStream()) {
                body.write(form);
            }
        }
        try (InputStream in = c.getInputStream()) {
            if (c.getResponseCode() != 200) {
                throw new IOException("HTTP " + c.getResponseCode());
            }
            return new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    /**
     * The whoami answer in one line, {@code web.2 [k3j5h2l4m6n8] on node3 (saw client 10.0.1.7:53492)}
     * (the task ID's first 12 characters tell a replaced task from its successor in the slot); when a
     * proxy sent a PROXY header, the client it named and the proxy the task saw, {@code (saw client
     * 203.0.113.7:4242 via PROXY v2 from 10.0.0.3:40112)}; anything else as it came.
     */
    static String summary(String body) {
        String task = field(body, "task");
        String id = field(body, "task-id");
        String node = field(body, "node");
        String client = field(body, "ClientAddr");
        if (client == null) {
            client = field(body, "client"); // a task running an older trellis
        }
        if (task == null) {
            return body.strip().replace('\n', ' ');
        }
        return task + (id == null || id.isEmpty() ? "" : " [" + id.substring(0, Math.min(12, id.length())) + "]")
                + " on " + node + (client == null ? "" : " (saw client " + client + proxy(body) + ")");
    }

    /** {@code  via PROXY v2 from 10.0.0.3:40112}, or nothing when the connection had no PROXY header. */
    private static String proxy(String body) {
        String version = field(body, "ProxyProtocol");
        if (version == null || version.equals(ClientOrigin.NO_PROXY_HEADER)) {
            return "";
        }
        return " via PROXY " + version + " from " + field(body, "RemoteAddr");
    }

    private static String field(String body, String name) {
        for (String line : body.split("\n")) {
            if (line.startsWith(name + ": ")) {
                return line.substring(name.length() + 2).strip();
            }
        }
        return null;
    }
}
