package io.trellis.controlplane.api;

import io.trellis.controlplane.pki.JoinToken;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.pki.Pem;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import io.trellis.controlplane.store.StoreWriter;
import java.security.cert.X509Certificate;
import java.util.Locale;

/** {@code swarm join-token}: shows or rotates the token that lets a node join in a role. */
public final class JoinTokens {
    private final ClusterStore store;
    private final StoreWriter writer;

    public JoinTokens(ClusterStore store, StoreWriter writer) {
        this.store = store;
        this.writer = writer;
    }

    public static NodeRole role(String text) {
        String r = text == null ? "" : text.toLowerCase(Locale.ROOT);
        if (r.equals("worker")) {
            return NodeRole.WORKER;
        }
        if (r.equals("manager")) {
            return NodeRole.MANAGER;
        }
        throw ApiException.invalid("invalid role \"" + text + "\": use worker or manager");
    }

    public String token(NodeRole role) {
        ClusterInfo c = cluster();
        return role == NodeRole.WORKER ? c.workerToken() : c.managerToken();
    }

    /** A new token for {@code role}; the previous one is refused from the moment this commits. */
    public String rotate(NodeRole role) {
        ClusterInfo c = cluster();
        X509Certificate ca = Pem.certificate(c.rootCaCertificate());
        String fresh = JoinToken.generate(ca).toString();
        StoreReply r = writer.submit(StoreBatch.of(role == NodeRole.WORKER
                ? new StoreOp.SetJoinTokens(fresh, c.managerToken())
                : new StoreOp.SetJoinTokens(c.workerToken(), fresh)));
        if (!r.ok()) {
            throw new ApiException(ApiException.Kind.CONFLICT, r.error());
        }
        return fresh;
    }

    private ClusterInfo cluster() {
        ClusterInfo c = store.view().cluster();
        if (c == null || c.rootCaCertificate() == null) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "this swarm has no PKI yet");
        }
        return c;
    }
}
