package io.trellis.controlplane.ca;

import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.atrest.KeyRing;
import io.trellis.controlplane.atrest.Recipients;
import io.trellis.controlplane.dispatcher.Dispatcher;
import io.trellis.controlplane.pki.CertificateAuthority;
import io.trellis.controlplane.pki.JoinToken;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.pki.Pem;
import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Ids;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import io.trellis.controlplane.store.StoreWriter;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Lets nodes in (swarmkit's CA server): checks the join token, signs the node's CSR with the
 * cluster's root CA for the role the token grants, and records the node. Also renews certificates,
 * always for the role the store holds now, which is how a promotion or demotion reaches the node.
 */
public final class Admission {
    private final ClusterStore store;
    private final StoreWriter writer;
    private final Supplier<KeyRing> dataKeys;
    private final Clock clock;

    /** @param dataKeys the Raft log's data keys as this manager holds them now, handed to joining managers only */
    public Admission(ClusterStore store, StoreWriter writer, Supplier<KeyRing> dataKeys, Clock clock) {
        this.store = store;
        this.writer = writer;
        this.dataKeys = dataKeys;
        this.clock = clock;
    }

    /** A swarm whose data key never rotated. */
    public Admission(ClusterStore store, StoreWriter writer, byte[] dataKey, Clock clock) {
        this(store, writer, () -> KeyRing.of(dataKey), clock);
    }

    public ClusterMessages.JoinResponse join(ClusterMessages.JoinRequest r) {
        ClusterInfo cluster = cluster();
        NodeRole role = roleOf(r.token(), cluster);
        require(r.hostname(), "hostname");
        require(r.advertiseAddr(), "advertise address");
        if (role == NodeRole.MANAGER) {
            require(r.raftAddr(), "Raft address");
            require(r.managerAddr(), "manager address");
        }
        String nodeId = Ids.newId();
        PKCS10CertificationRequest csr = csr(r.csr());
        X509Certificate cert = issue(cluster, csr, nodeId, role);
        long now = clock.millis();
        Node node = new Node(nodeId, r.hostname(), role == NodeRole.MANAGER ? Node.Role.MANAGER : Node.Role.WORKER,
                Node.Availability.ACTIVE, Node.Status.UNKNOWN, r.advertiseAddr(),
                r.engineVersion() == null ? "" : r.engineVersion(), Map.of(), now, now,
                role == NodeRole.MANAGER ? r.managerAddr() : null, null, publicKey(csr), r.resources());
        commit(StoreBatch.of(new StoreOp.PutNode(node)));
        return new ClusterMessages.JoinResponse(nodeId, cluster.id(), role.label(), Pem.encode(cert),
                cluster.rootCaCertificate(),
                role == NodeRole.MANAGER ? Base64.getEncoder().encodeToString(dataKeys.get().encode()) : null,
                role == NodeRole.MANAGER ? cluster.unlockKey() : null,
                Dispatcher.managers(store.view()));
    }

    /**
     * A fresh certificate for a member, in the role the store gives it now. Its new node key is
     * recorded before the certificate is returned, so a data key rotated from then on is wrapped for it.
     */
    public ClusterMessages.RenewResponse renew(String nodeId, ClusterMessages.RenewRequest r) {
        ClusterInfo cluster = cluster();
        Node node = store.view().nodes().get(nodeId);
        if (node == null) {
            throw new ApiException(ApiException.Kind.NOT_FOUND, "node " + nodeId + " is not part of this swarm");
        }
        NodeRole role = node.role() == Node.Role.MANAGER ? NodeRole.MANAGER : NodeRole.WORKER;
        PKCS10CertificationRequest csr = csr(r.csr());
        X509Certificate cert = issue(cluster, csr, nodeId, role);
        String key = publicKey(csr);
        if (!key.equals(node.publicKey())) {
            commit(StoreBatch.of(new StoreOp.SetNodeKey(nodeId, key)));
        }
        return new ClusterMessages.RenewResponse(Pem.encode(cert), role.label());
    }

    /** The data keys, for a node that became a manager after joining (promotion). */
    public ClusterMessages.DataKey dataKeyFor(String nodeId) {
        Node node = store.view().nodes().get(nodeId);
        if (node == null || node.role() != Node.Role.MANAGER) {
            throw new ApiException(ApiException.Kind.FORBIDDEN, "only managers may hold the cluster store's key");
        }
        return new ClusterMessages.DataKey(Base64.getEncoder().encodeToString(dataKeys.get().encode()),
                cluster().unlockKey());
    }

    private static NodeRole roleOf(String text, ClusterInfo cluster) {
        JoinToken given;
        try {
            given = JoinToken.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        if (given.sameSecret(JoinToken.parse(cluster.managerToken()))
                && given.caDigest().equals(JoinToken.parse(cluster.managerToken()).caDigest())) {
            return NodeRole.MANAGER;
        }
        if (given.sameSecret(JoinToken.parse(cluster.workerToken()))
                && given.caDigest().equals(JoinToken.parse(cluster.workerToken()).caDigest())) {
            return NodeRole.WORKER;
        }
        throw new ApiException(ApiException.Kind.UNAUTHORIZED,
                "invalid join token: it was rotated or belongs to another swarm");
    }

    private static PKCS10CertificationRequest csr(String csrPem) {
        try {
            return Pem.csr(csrPem);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("invalid certificate signing request: " + e.getMessage());
        }
    }

    private static String publicKey(PKCS10CertificationRequest csr) {
        try {
            return Recipients.encode(csr.getSubjectPublicKeyInfo().getEncoded());
        } catch (IOException e) {
            throw ApiException.invalid("invalid certificate signing request: " + e.getMessage());
        }
    }

    /** Identity and role come from the caller; the CSR only proves the node holds its key. */
    private X509Certificate issue(ClusterInfo c, PKCS10CertificationRequest csr, String nodeId, NodeRole role) {
        CertificateAuthority ca = new CertificateAuthority(Pem.certificate(c.rootCaCertificate()),
                Pem.privateKey(c.rootCaKey()), clock);
        try {
            return ca.issue(csr, nodeId, role, c.id(), CertificateAuthority.NODE_VALIDITY_DEFAULT);
        } catch (IllegalArgumentException e) {
            // A CSR whose signature does not verify: the caller's input, not a fault of ours.
            throw ApiException.invalid(e.getMessage());
        }
    }

    private ClusterInfo cluster() {
        ClusterInfo c = store.view().cluster();
        if (c == null || c.rootCaCertificate() == null) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "this swarm has no PKI yet");
        }
        return c;
    }

    private void commit(StoreBatch batch) {
        StoreReply reply = writer.submit(batch);
        if (!reply.ok()) {
            throw new ApiException(ApiException.Kind.CONFLICT, reply.error());
        }
    }

    private static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw ApiException.invalid("the join request lacks the node's " + what);
        }
    }
}
