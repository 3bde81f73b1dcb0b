package io.trellis.daemon;

import io.trellis.admin.AdminResponse;
import io.trellis.admin.ChunkSink;
import io.trellis.admin.Router;
import io.trellis.api.ExecRequest;
import io.trellis.api.Json;
import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Task;
import io.trellis.daemon.cluster.ClusterException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /tasks/{ref}/exec}: {@code trellis exec} as a manager serves it. The manager finds the node
 * running the task and relays the request to that node's port over mutual TLS; the node's framed output
 * (stdout, stderr, exit status) flows back unchanged. Closing the client's connection closes the node's,
 * which kills the command.
 */
final class ExecEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(ExecEndpoint.class);
    private static final int RELAY_CHUNK = 16 * 1024;
    private static final long CLIENT_CHECK_MILLIS = 500;
    private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "exec-client-watch");
        t.setDaemon(true);
        return t;
    });

    private final AgentDaemon daemon;

    ExecEndpoint(AgentDaemon daemon) {
        this.daemon = daemon;
    }

    void register(Router r) {
        r.post("/tasks/{ref}/exec", req -> AdminEndpoints.guard(() -> {
            ExecRequest body;
            try {
                body = Json.read(req.body(), ExecRequest.class);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(e.getMessage());
            }
            check(body);
            ControlPlane m = daemon.manager();
            Task t = m.api().runningTask(req.pathParam("ref"));
            Node node = m.store().view().nodes().get(t.nodeId());
            if (node == null) {
                throw ApiException.invalid("task " + t.name() + " is on node " + t.nodeId() + ", which left the swarm");
            }
            InputStream in;
            try {
                in = daemon.nodeClient().open(node, "/v1/tasks/" + t.id() + "/exec", body);
            } catch (ClusterException e) {
                throw new ApiException(e.status() == 0 ? ApiException.Kind.UNAVAILABLE : ApiException.Kind.INVALID,
                        e.getMessage());
            }
            LOG.info("exec in task {} on node {}: {}", t.name(), node.hostname(), body.command().get(0));
            return AdminResponse.stream("application/octet-stream", sink -> relay(in, sink));
        }));
    }

    private static void check(ExecRequest body) {
        if (body.command().isEmpty()) {
            throw ApiException.invalid("no command given: trellis exec TASK -- COMMAND [ARG...]");
        }
        if (body.stdin() != null) {
            int size;
            try {
                size = Base64.getDecoder().decode(body.stdin()).length;
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("stdin is not base64: " + e.getMessage());
            }
            if (size > ExecRequest.MAX_STDIN_BYTES) {
                throw ApiException.invalid("standard input is " + size + " bytes; exec passes at most "
                        + ExecRequest.MAX_STDIN_BYTES);
            }
        }
    }

    private static void relay(InputStream in, ChunkSink sink) throws IOException {
        // A quiet command gives no write to fail: the watch closes the node's stream once the client left.
        ScheduledFuture<?> watch = WATCH.scheduleWithFixedDelay(() -> {
            if (!sink.open()) {
                closeQuietly(in);
            }
        }, CLIENT_CHECK_MILLIS, CLIENT_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        try (in) {
            byte[] buf = new byte[RELAY_CHUNK];
            for (int n; (n = in.read(buf)) > 0; ) {
                sink.write(Arrays.copyOf(buf, n));
            }
        } finally {
            watch.cancel(false);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the relay ends either way
        }
    }
}
