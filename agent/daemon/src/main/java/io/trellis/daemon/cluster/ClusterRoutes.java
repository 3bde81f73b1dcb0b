package io.trellis.daemon.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trellis.admin.AdminRequest;
import io.trellis.admin.AdminResponse;
import io.trellis.admin.Router;
import io.trellis.api.Json;
import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.ca.Admission;
import io.trellis.controlplane.dispatcher.Dispatcher;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.pki.NodeIdentity;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.controlplane.store.Node;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the cluster port (2377). {@code /v1/join} is the only one a node may call without a
 * certificate; every other route needs a client certificate of this cluster, and the Raft route a
 * manager's. Refusals are one line, logged and counted by reason.
 */
public final class ClusterRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRoutes.class);
    private static final Duration ASSIGNMENT_WAIT_MAX = Duration.ofSeconds(20);

    /** What the routes need from the manager they run on. */
    public interface Backend {
        Admission admission();

        Dispatcher dispatcher();

        ClusterTrust trust();

        /** Adds a manager that joined (or was promoted) to the Raft group. */
        void addRaftMember(String nodeId, String raftAddr) throws Exception;

        /** The leader's cluster address, for redirects, when known. */
        Optional<String> leaderAddress();

        Optional<Node> node(String nodeId);
    }

    private final Supplier<Backend> manager;
    private final MeterRegistry metrics;

    public ClusterRoutes(Supplier<Backend> manager, MeterRegistry metrics) {
        this.manager = manager;
        this.metrics = metrics;
    }

    public Router router() {
        Router r = new Router();
        r.post("/v1/join", req -> guard(req, "join", () -> {
            var body = req.bodyAs(ClusterMessages.JoinRequest.class);
            var reply = m().admission().join(body);
            LOG.info("node {} ({}) joined as a {}", body.hostname(), reply.nodeId(), reply.role());
            return json(reply);
        }));
        r.post("/v1/raft/members", req -> guard(req, "raft", () -> {
            NodeIdentity peer = peer(req);
            // The certificate's role and the store's must both say manager: a demoted node keeps its
            // manager certificate until it renews.
            if (peer.role() != NodeRole.MANAGER
                    || m().node(peer.nodeId()).map(Node::role).orElse(null) != Node.Role.MANAGER) {
                throw new ApiException(ApiException.Kind.FORBIDDEN, "only managers may join the Raft group");
            }
            var body = req.bodyAs(ClusterMessages.RaftJoinRequest.class);
            m().addRaftMember(peer.nodeId(), body.raftAddr());
            return json(java.util.Map.of("added", peer.nodeId()));
        }));
        r.post("/v1/heartbeat", req -> guard(req, "heartbeat", () -> {
            String nodeId = peer(req).nodeId();
            var body = req.body().length == 0 ? null : req.bodyAs(ClusterMessages.HeartbeatRequest.class);
            return json(m().dispatcher().heartbeat(nodeId, body == null ? null : body.runtimes()));
        }));
        r.get("/v1/assignments", req -> guard(req, "assignments", () -> {
            String nodeId = peer(req).nodeId();
            Duration wait = ASSIGNMENT_WAIT_MAX;
            String w = req.queryParam("wait");
            if (w != null) {
                try {
                    wait = Duration.ofMillis(Math.min(Long.parseLong(w), ASSIGNMENT_WAIT_MAX.toMillis()));
                } catch (NumberFormatException e) {
                    throw ApiException.invalid("invalid wait \"" + w + "\": milliseconds expected");
                }
            }
            return json(m().dispatcher().assignments(nodeId, req.queryParam("session"), wait));
        }));
        r.post("/v1/status", req -> guard(req, "status", () -> {
            var body = req.bodyAs(ClusterMessages.StatusReport.class);
            int ignored = m().dispatcher().report(peer(req).nodeId(), body.statuses());
            return json(java.util.Map.of("ignored", ignored));
        }));
        r.post("/v1/renew", req -> guard(req, "renew", () ->
                json(m().admission().renew(peer(req).nodeId(), req.bodyAs(ClusterMessages.RenewRequest.class)))));
        r.get("/v1/data-key", req -> guard(req, "data-key", () ->
                json(m().admission().dataKeyFor(peer(req).nodeId()))));
        return r;
    }

    private Backend m() {
        Backend m = manager.get();
        if (m == null) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "this node is not a manager (any more)");
        }
        return m;
    }

    /** The verified caller, who must still be a member of the swarm. */
    private NodeIdentity peer(AdminRequest req) {
        if (req.peerCertificates().isEmpty()) {
            throw new ApiException(ApiException.Kind.UNAUTHORIZED, "a client certificate of this swarm is required");
        }
        NodeIdentity id;
        try {
            id = m().trust().verify(req.peerCertificates().toArray(new X509Certificate[0]));
        } catch (CertificateException e) {
            throw new ApiException(ApiException.Kind.UNAUTHORIZED, e.getMessage());
        }
        if (m().node(id.nodeId()).isEmpty()) {
            throw new ApiException(ApiException.Kind.FORBIDDEN, "node " + id.nodeId() + " was removed from the swarm");
        }
        return id;
    }

    private AdminResponse guard(AdminRequest req, String route, Call call) throws Exception {
        try {
            return call.run();
        } catch (Dispatcher.NotLeaderException e) {
            String leader = m().leaderAddress().orElse(null);
            return AdminResponse.json(ClusterException.NOT_LEADER,
                    Json.bytes(new ClusterMessages.Refusal(e.getMessage(), leader)));
        } catch (ApiException e) {
            if (e.kind() == ApiException.Kind.UNAUTHORIZED || e.kind() == ApiException.Kind.FORBIDDEN
                    || e.kind() == ApiException.Kind.INVALID) {
                refused(route, e.kind().name().toLowerCase(java.util.Locale.ROOT), e.getMessage());
            }
            return refusal(e.kind().httpStatus, e.getMessage());
        } catch (IllegalArgumentException e) {
            refused(route, "invalid", e.getMessage());
            return refusal(400, e.getMessage());
        } catch (InterruptedException e) {
            // A long poll cut short by shutdown: the node's session moves on to another manager.
            Thread.currentThread().interrupt();
            return refusal(503, "the manager is shutting down");
        }
    }

    private void refused(String route, String reason, String message) {
        LOG.warn("refused {} request: {}", route, message);
        Counter.builder("trellis.cluster.refused")
                .description("Requests on the cluster port refused, by route and reason")
                .tag("route", route).tag("reason", reason)
                .register(metrics).increment();
    }

    private static AdminResponse refusal(int status, String message) {
        return AdminResponse.json(status, Json.bytes(new ClusterMessages.Refusal(message, null)));
    }

    private static AdminResponse json(Object o) {
        return AdminResponse.json(200, Json.bytes(o));
    }

    @FunctionalInterface
    private interface Call {
        AdminResponse run() throws Exception;
    }
}
