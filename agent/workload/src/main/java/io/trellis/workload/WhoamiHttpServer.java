package io.trellis.workload;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The http workload: every request, any method or path, gets 200 and a {@link WhoamiReply};
 * {@code /healthz} gets {@code ok} for health checks.
 */
final class WhoamiHttpServer implements Workload {
    private static final int BACKLOG = 1024;
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";

    private final HttpServer server;
    private final ExecutorService workers;

    private WhoamiHttpServer(HttpServer server, ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    static WhoamiHttpServer start(InetSocketAddress address, WorkloadIdentity identity) throws IOException {
        HttpServer server = HttpServer.create(address, BACKLOG);
        // Replies are tiny and never block for long: a thread per core keeps up under load tests.
        AtomicInteger count = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                r -> {
                    Thread t = new Thread(r, "whoami-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        server.setExecutor(workers);
        server.createContext("/", exchange -> answer(exchange, identity));
        server.start();
        return new WhoamiHttpServer(server, workers);
    }

    private static void answer(HttpExchange exchange, WorkloadIdentity identity) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if ("/healthz".equals(path)) {
                send(exchange, TEXT, "ok\n");
                return;
            }
            WhoamiReply reply = new WhoamiReply(identity, Workload.format(exchange.getRemoteAddress()),
                    exchange.getRequestMethod(), path);
            if (wantsJson(exchange)) {
                send(exchange, JSON, reply.json());
            } else {
                send(exchange, TEXT, reply.text());
            }
        }
    }

    private static boolean wantsJson(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String param : query.split("&")) {
                if (param.equals("format=json")) {
                    return true;
                }
            }
        }
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        return accept != null && accept.contains(JSON);
    }

    private static void send(HttpExchange exchange, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        // -1: no body. A HEAD reply must not carry one (RFC 9110 §9.3.2).
        exchange.sendResponseHeaders(200, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
