package io.trellis.daemon;

import io.trellis.controlplane.atrest.KeyRing;
import io.trellis.controlplane.pki.CertificateRequests;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.pki.Pem;
import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.daemon.cluster.ClusterClient;
import io.trellis.daemon.cluster.ClusterException;
import io.trellis.process.FileTree;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A promotion or demotion seen in a heartbeat, or a certificate close to expiry: renew the
 * certificate for the (new) role, then start (joining the Raft group) or stop the manager side. Runs
 * on its own thread because the heartbeat thread must keep beating meanwhile.
 */
final class RoleChange {
    private static final Logger LOG = LoggerFactory.getLogger(RoleChange.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** What a role change does to the rest of the node; called with the node's lock held. */
    interface Node {
        /** The manager this node's session talks to. */
        String sessionTarget();

        /**
         * Starts the manager side as {@code id} with {@code dataKeys}, joining the Raft group through
         * {@code via}; on failure nothing of it is left running, so the next heartbeat can retry.
         */
        void startManager(SwarmIdentity id, KeyRing dataKeys, String via) throws IOException;

        void stopManager();

        /**
         * Takes this node out of the Raft group if it still is a voter: a manager that demoted itself
         * leaves that to this step, since its own replica cannot commit anything once it is out.
         */
        void leaveRaftGroup() throws IOException;
    }

    private final Object lock;
    private final Node node;
    private final IdentityFile identity;
    private final NodeCredentials credentials;
    private final AgentConfiguration cfg;
    private final DataKeySealer dataKeys;
    private final Clock clock;
    private Thread running; // guarded by this

    /** {@code lock} is the one node start, init, join, leave and unlock hold. */
    RoleChange(Object lock, Node node, IdentityFile identity, NodeCredentials credentials, AgentConfiguration cfg,
               DataKeySealer dataKeys, Clock clock) {
        this.lock = lock;
        this.node = node;
        this.identity = identity;
        this.credentials = credentials;
        this.cfg = cfg;
        this.dataKeys = dataKeys;
        this.clock = clock;
    }

    /**
     * Starts a change, one at a time, when a heartbeat from manager {@code via} brought another role
     * or the certificate is due.
     */
    void heard(SwarmIdentity id, String role, String via) {
        boolean roleChanged = role != null && !role.equals(id.role());
        // Every decision is logged (the unchanged ones at debug): which manager's answer a node acted
        // on, or kept acting on, is what explains a role change that never happened.
        if (roleChanged) {
            LOG.info("role from heartbeat: {} (current {}) via manager {}", role, id.role(), via);
        } else {
            LOG.debug("role from heartbeat: {} (current {}) via manager {}", role, id.role(), via);
        }
        if (roleChanged || renewalDue()) {
            // Not the node's lock: a running change holds that for as long as joining Raft takes,
            // and the heartbeat thread that calls this must keep beating meanwhile.
            synchronized (this) {
                if (running == null || !running.isAlive()) {
                    String to = role == null ? id.role() : role;
                    running = new Thread(() -> run(to), "role-change");
                    running.setDaemon(true);
                    running.start();
                }
            }
        }
    }

    /** Like swarmkit: renew once less than a third of the certificate's validity is left. */
    private boolean renewalDue() {
        X509Certificate cert = credentials.tls().certificate();
        long from = cert.getNotBefore().getTime();
        long until = cert.getNotAfter().getTime();
        return clock.millis() > until - (until - from) / 3;
    }

    private void run(String role) {
        try {
            change(role);
        } catch (Exception e) {
            LOG.warn("changing this node's role to {} failed, will retry on the next heartbeat: {}", role,
                    e.getMessage());
        }
    }

    private void change(String role) throws Exception {
        ClusterClient member = ClusterClient.member(credentials.tls());
        String to = node.sessionTarget();
        KeyPair key = CertificateRequests.newKeyPair();
        // The renewal records the new node key, and a data key rotated from then on is wrapped for it.
        credentials.expect(key.getPrivate());
        ClusterMessages.RenewResponse renewed = member.post(to, "/v1/renew",
                new ClusterMessages.RenewRequest(Pem.encode(CertificateRequests.create(key))),
                ClusterMessages.RenewResponse.class, REQUEST_TIMEOUT);
        if (!role.equals(renewed.role()) && SwarmIdentity.MANAGER.equals(role)) {
            // Promoted and demoted again meanwhile: stay a worker; the next heartbeat has the final word.
            LOG.info("the promotion was undone before it took effect; staying a worker");
            return;
        }
        // A demotion goes ahead even when the node was promoted again meanwhile: it has already left
        // the Raft group, so it must stop its manager side; the next heartbeat brings it back as a
        // fresh voter. Skipping it left a manager outside the group, Unreachable for good.
        synchronized (lock) {
            if (!SwarmIdentity.MANAGER.equals(role) && identity.get().isManager()) {
                node.leaveRaftGroup(); // still with the manager certificate the other voters ask for
            }
            NodeTls fresh = new NodeTls(key.getPrivate(), Pem.certificate(renewed.certificate()),
                    credentials.tls().ca());
            new NodeCertificates(cfg.certsDir()).save(fresh.certificate(), key.getPrivate(), fresh.ca());
            credentials.use(fresh);
            if (role.equals(identity.get().role())) {
                LOG.info("certificate renewed; valid until {}", fresh.certificate().getNotAfter().toInstant());
                return;
            }
            if (SwarmIdentity.MANAGER.equals(role)) {
                promote(fresh, to);
                LOG.info("this node was promoted: it is now a manager");
            } else {
                node.stopManager();
                FileTree.delete(cfg.raftDir());
                FileTree.delete(cfg.keysDir());
                identity.change(identity.get().withRole(SwarmIdentity.WORKER));
                LOG.info("this node was demoted: it is now a worker");
            }
        }
    }

    /** Fetches and seals the data keys, then starts a manager side from an empty Raft directory. */
    private void promote(NodeTls fresh, String via) throws IOException, ClusterException {
        ClusterMessages.DataKey stored = ClusterClient.member(fresh).get(via, "/v1/data-key",
                ClusterMessages.DataKey.class, REQUEST_TIMEOUT);
        KeyRing ring = KeyRing.decode(Base64.getDecoder().decode(stored.dataKey()));
        dataKeys.seal(ring, stored.unlockKey());
        SwarmIdentity id = identity.get();
        String listen = id.managerAddr() != null ? id.managerAddr()
                : NodeAddresses.hostPort(id.advertiseAddr(), AgentConfiguration.CLUSTER_PORT_DEFAULT);
        SwarmIdentity promoted = new SwarmIdentity(id.clusterId(), id.nodeId(), id.raftAddress(), id.advertiseAddr(),
                SwarmIdentity.MANAGER, listen, id.managers());
        FileTree.delete(cfg.raftDir());
        node.startManager(promoted, ring, via);
        // Recorded only once the manager side runs: until then the node still is a worker, and the
        // next heartbeat (which still says "manager") retries the promotion.
        identity.change(promoted);
    }
}
