package io.trellis.daemon.node;

import io.trellis.admin.AdminRequest;
import io.trellis.admin.AdminResponse;
import io.trellis.admin.Router;
import io.trellis.api.ExecRequest;
import io.trellis.api.Json;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.pki.NodeIdentity;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.daemon.runtime.TaskRuntime;
import io.trellis.process.TaskDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of a node's port: what managers ask of the node that runs a task ({@code trellis exec}, a
 * task's logs). Only managers of this swarm get here: the TLS handshake already asks for a manager
 * certificate, and each route checks it again, so a change to the listener cannot open them by mistake.
 */
final class NodeRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRoutes.class);

    private final TaskRuntime runtime;
    private final TaskDirectory dirs;
    private final Supplier<ClusterTrust> managers;

    NodeRoutes(TaskRuntime runtime, TaskDirectory dirs, Supplier<ClusterTrust> managers) {
        this.runtime = runtime;
        this.dirs = dirs;
        this.managers = managers;
    }

    Router router() {
        Router r = new Router();
        r.post("/v1/tasks/{id}/exec", req -> guarded(req, () -> {
            ExecRequest body = req.bodyAs(ExecRequest.class);
            if (body.command().isEmpty()) {
                return refusal(400, "no command given");
            }
            byte[] stdin = body.stdin() == null ? null : Base64.getDecoder().decode(body.stdin());
            return AdminResponse.stream("application/octet-stream",
                    new TaskExecution(runtime, taskId(req), body.command(), stdin));
        }));
        r.get("/v1/tasks/{id}/logs", req -> guarded(req, () -> {
            String id = taskId(req);
            Path log = dirs.outputLog(id);
            if (!Files.exists(log)) {
                return refusal(404, "no output of task " + id + " on this node");
            }
            boolean follow = "true".equals(req.queryParam("follow"));
            String tail = req.queryParam("tail");
            int lines = tail == null ? -1 : Integer.parseInt(tail);
            boolean timestamps = "true".equals(req.queryParam("timestamps"));
            return AdminResponse.stream("text/plain; charset=utf-8", new TaskLogStream(log, follow, lines, timestamps,
                    () -> dirs.readProcess(id).map(p -> p.identity().alive()).orElse(false)));
        }));
        return r;
    }

    private static String taskId(AdminRequest req) {
        String id = req.pathParam("id");
        if (!id.matches("[a-z0-9]{1,64}")) {
            throw new IllegalArgumentException("invalid task id");
        }
        return id;
    }

    private interface Call {
        AdminResponse run() throws Exception;
    }

    private AdminResponse guarded(AdminRequest req, Call call) throws Exception {
        NodeIdentity caller;
        try {
            caller = managers.get().verify(req.peerCertificates().toArray(new X509Certificate[0]));
        } catch (CertificateException e) {
            LOG.warn("refused a request on the node port: {}", e.getMessage());
            return refusal(403, "a manager certificate of this swarm is required: " + e.getMessage());
        }
        if (caller.role() != NodeRole.MANAGER) {
            return refusal(403, "only managers may use the node port");
        }
        try {
            return call.run();
        } catch (IllegalArgumentException e) {
            return refusal(400, e.getMessage());
        }
    }

    private static AdminResponse refusal(int status, String message) {
        return AdminResponse.json(status, Json.bytes(new ClusterMessages.Refusal(message, null)));
    }
}
