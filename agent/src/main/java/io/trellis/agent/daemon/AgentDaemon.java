package io.trellis.agent.daemon;

import io.micrometer.core.instrument.Gauge;
import io.trellis.agent.api.InfoView;
import io.trellis.agent.cli.Version;
import io.trellis.agent.cluster.Admission;
import io.trellis.agent.cluster.ClusterClient;
import io.trellis.agent.cluster.ClusterException;
import io.trellis.agent.cluster.ClusterMessages;
import io.trellis.agent.cluster.ClusterRoutes;
import io.trellis.agent.cluster.ClusterServer;
import io.trellis.agent.cluster.Dispatcher;
import io.trellis.agent.metrics.AgentMetrics;
import io.trellis.agent.runtime.FileTree;
import io.trellis.agent.runtime.ProcessRuntime;
import io.trellis.agent.runtime.SelfLauncher;
import io.trellis.agent.runtime.TaskDirectory;
import io.trellis.agent.worker.ManagerSession;
import io.trellis.agent.worker.StatusReporter;
import io.trellis.agent.worker.Worker;
import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.atrest.DataKeyStore;
import io.trellis.controlplane.atrest.SealedBox;
import io.trellis.controlplane.pki.CertificateAuthority;
import io.trellis.controlplane.pki.CertificateRequests;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.pki.JoinToken;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.pki.Pem;
import io.trellis.controlplane.pki.RenewableKeyManager;
import io.trellis.controlplane.pki.TokenPinnedTrust;
import io.trellis.controlplane.raft.RaftConfiguration;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Ids;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import java.io.IOException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's agent: before {@code swarm init} or {@code swarm join} it only answers the admin API;
 * after that (or on restart with a swarm identity on disk) every node runs a session with the
 * leader and a worker, and managers also run the Raft store, the control loops, the dispatcher and
 * the cluster port. This is the only place where control-plane state is wired to the node's runtime.
 */
public final class AgentDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentDaemon.class);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);
    /** How long a restarted manager waits for a leader between log lines (and checks for shutdown). */
    private static final Duration QUORUM_WAIT_SLICE = Duration.ofSeconds(5);

    private final AgentConfiguration cfg;
    private final Clock clock;
    private final AgentMetrics metrics;
    private volatile SwarmIdentity identity;
    private volatile NodeTls tls;
    /** Presents {@link #tls}' certificate on every endpoint; swapped on renewal. */
    private volatile RenewableKeyManager keys;
    private volatile ManagerNode manager;
    private volatile Dispatcher dispatcher;
    private volatile Admission admission;
    private ClusterServer clusterServer;
    /** True while a restarted agent replays its log; the API says so instead of "not a manager". */
    private volatile boolean resuming;
    /** True while an autolocked manager waits for {@code swarm unlock} after a restart. */
    private volatile boolean locked;
    private ManagerSession session;
    private StatusReporter reporter;
    private Worker worker;
    private RoleChange roleChange;
    private volatile boolean closing;

    public AgentDaemon(AgentConfiguration cfg, Clock clock) {
        this.cfg = cfg;
        this.clock = clock;
        this.metrics = new AgentMetrics(Version.current());
        // Set before the admin API answers, so nobody is told "not a manager" while the log replays.
        this.resuming = Files.exists(cfg.identityFile());
        metrics.bindTasks(() -> manager == null ? null : manager.store().view());
        metrics.bindNodes(() -> manager == null ? null : manager.store().view());
        Gauge.builder("trellis.worker.tasks.running", () -> worker == null ? 0 : worker.runningCount())
                .description("Task processes this node runs").register(metrics.registry());
    }

    /** Resumes the swarm this node belongs to, if any. */
    public synchronized void start() throws IOException {
        Optional<SwarmIdentity> id = SwarmIdentity.load(cfg.identityFile());
        if (id.isEmpty()) {
            resuming = false;
            LOG.info("not part of a swarm yet: run trellis swarm init or trellis swarm join");
            return;
        }
        LOG.info("resuming swarm {} as {} {}", id.get().clusterId(), id.get().role(), id.get().nodeId());
        try {
            identity = id.get();
            useTls(new NodeCertificates(cfg.certsDir()).load());
            if (identity.isManager() && new DataKeyStore(cfg.keysDir()).isLocked()) {
                locked = true;
                LOG.warn("the swarm is locked: this manager waits for trellis swarm unlock");
                return;
            }
            startMember(identity.isManager() ? dataKey() : null, true);
        } finally {
            resuming = false;
        }
    }

    /** {@code swarm init}: creates a cluster with this node as its first manager and leader. */
    public synchronized Map<String, String> initSwarm(String advertiseAddr, String listenAddr, boolean autolock)
            throws IOException {
        refuseIfMember();
        String addr = advertise(advertiseAddr);
        String listen = listenAddress(listenAddr, addr);
        String clusterId = Ids.newId();
        String nodeId = Ids.newId();
        CertificateAuthority ca = CertificateAuthority.create(clusterId, clock);
        KeyPair nodeKey = CertificateRequests.newKeyPair();
        X509Certificate nodeCert = ca.issue(CertificateRequests.create(nodeKey), nodeId, NodeRole.MANAGER, clusterId,
                CertificateAuthority.NODE_VALIDITY_DEFAULT);
        SwarmIdentity id = new SwarmIdentity(clusterId, nodeId, hostPort(addr, cfg.raftPort()), addr,
                SwarmIdentity.MANAGER, listen, List.of(listen));
        byte[] dataKey = SealedBox.newKey();
        String unlockKey = autolock ? DataKeyStore.newUnlockKey() : null;
        try {
            new NodeCertificates(cfg.certsDir()).save(nodeCert, nodeKey.getPrivate(), ca.certificate());
            sealDataKey(dataKey, unlockKey);
            id.save(cfg.identityFile());
            identity = id;
            useTls(new NodeTls(nodeKey.getPrivate(), nodeCert, ca.certificate()));
            long now = clock.millis();
            ClusterInfo cluster = new ClusterInfo(clusterId, now, Pem.encode(ca.certificate()), Pem.encode(ca.key()),
                    JoinToken.generate(ca.certificate()).toString(), JoinToken.generate(ca.certificate()).toString(),
                    unlockKey);
            startMember(dataKey, false, StoreBatch.of(new StoreOp.InitCluster(cluster)));
        } catch (IOException | RuntimeException e) {
            stopMember();
            forgetSwarm();
            throw e;
        }
        LOG.info("swarm {} initialized; node {} is its manager", clusterId, nodeId);
        Map<String, String> reply = new java.util.LinkedHashMap<>();
        reply.put("nodeId", nodeId);
        reply.put("clusterId", clusterId);
        if (unlockKey != null) {
            reply.put("unlockKey", unlockKey);
        }
        return reply;
    }

    /**
     * {@code swarm join}: pins the manager's CA to the token, sends a CSR with the token, and takes
     * part in the role the token grants: a manager first becomes a Raft voter and catches up.
     */
    public synchronized Map<String, String> joinSwarm(String token, String remote, String advertiseAddr,
                                                      String listenAddr) throws IOException {
        refuseIfMember();
        JoinToken parsed;
        try {
            parsed = JoinToken.parse(token);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        if (remote == null || !remote.matches("[^:\\s]+:\\d{1,5}|\\[[0-9a-fA-F:]+\\]:\\d{1,5}")) {
            throw ApiException.invalid("invalid manager address \"" + remote + "\": expected HOST:PORT, e.g. 10.0.0.1:2377");
        }
        String addr = advertise(advertiseAddr);
        String listen = listenAddress(listenAddr, addr);
        KeyPair key = CertificateRequests.newKeyPair();
        ClusterClient anonymous = ClusterClient.anonymous(new TokenPinnedTrust(parsed));
        ClusterMessages.JoinResponse joined;
        try {
            joined = anonymous.post(remote, "/v1/join", new ClusterMessages.JoinRequest(parsed.toString(),
                    Pem.encode(CertificateRequests.create(key)), cfg.hostname(), addr,
                    hostPort(addr, cfg.raftPort()), listen, Version.current()),
                    ClusterMessages.JoinResponse.class, JOIN_TIMEOUT);
        } catch (ClusterException e) {
            throw refused("joining the swarm failed", e);
        }
        boolean asManager = SwarmIdentity.MANAGER.equals(joined.role());
        List<String> managers = new ArrayList<>(joined.managers());
        if (asManager && !managers.contains(listen)) {
            managers.add(0, listen);
        }
        SwarmIdentity id = new SwarmIdentity(joined.clusterId(), joined.nodeId(), hostPort(addr, cfg.raftPort()), addr,
                joined.role(), asManager ? listen : null, managers);
        try {
            NodeTls nodeTls = new NodeTls(key.getPrivate(), Pem.certificate(joined.certificate()),
                    Pem.certificate(joined.ca()));
            new NodeCertificates(cfg.certsDir()).save(nodeTls.certificate(), key.getPrivate(), nodeTls.ca());
            byte[] dataKey = null;
            if (asManager) {
                dataKey = Base64.getDecoder().decode(joined.dataKey());
                sealDataKey(dataKey, joined.unlockKey());
            }
            id.save(cfg.identityFile());
            identity = id;
            useTls(nodeTls);
            if (asManager) {
                startManager(dataKey, true);
                becomeVoter(remote);
                manager.awaitCaughtUp(CATCH_UP_TIMEOUT);
                manager.startLoops(clock);
            }
            startWorkerSide();
        } catch (IOException | RuntimeException e) {
            stopMember();
            forgetSwarm();
            throw e;
        }
        LOG.info("joined swarm {} as {} {}", id.clusterId(), id.role(), id.nodeId());
        return Map.of("nodeId", id.nodeId(), "role", id.role());
    }

    /**
     * {@code swarm leave}: stops everything this node runs for the swarm and forgets it. A manager
     * needs {@code force}, and leaves the Raft group first so the others keep their quorum math.
     */
    public synchronized void leaveSwarm(boolean force) throws IOException {
        SwarmIdentity id = identity;
        if (id == null) {
            throw new ApiException(ApiException.Kind.CONFLICT, "this node is not part of a swarm");
        }
        if (id.isManager() && !force) {
            int managers = manager == null ? 1 : manager.raftMembers().size();
            throw new ApiException(ApiException.Kind.CONFLICT, "this node is a manager: leaving takes it out of the "
                    + "Raft group (" + managers + " manager" + (managers == 1 ? "" : "s") + " now"
                    + (managers == 1 ? ", so the swarm ends with it" : "")
                    + "); demote it first (trellis node demote) or use --force");
        }
        if (manager != null && manager.raftMembers().size() > 1) {
            try {
                manager.removeRaftMember(id.nodeId());
            } catch (IOException e) {
                LOG.warn("could not leave the Raft group cleanly: {}", e.getMessage());
            }
        }
        stopMember();
        forgetSwarm();
        LOG.info("left swarm {}", id.clusterId());
    }

    /** {@code swarm unlock}: opens the data key with the user's unlock key and starts the manager. */
    public synchronized void unlock(String unlockKey) throws IOException {
        if (!locked) {
            throw new ApiException(ApiException.Kind.CONFLICT, "this node is not locked");
        }
        byte[] dataKey;
        try {
            dataKey = new DataKeyStore(cfg.keysDir()).unlock(unlockKey);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        locked = false;
        startMember(dataKey, true);
    }

    // ---------------------------------------------------------------- membership plumbing

    private void startMember(byte[] dataKey, boolean resumed, StoreBatch... first) throws IOException {
        if (identity.isManager()) {
            startManager(dataKey, false);
            awaitQuorum(resumed);
            registerSelf(first);
            manager.startLoops(clock);
        }
        startWorkerSide();
    }

    /**
     * A new swarm has its one manager at once. A restarted manager may come up before the others:
     * it waits (answering "starting") for as long as it takes a quorum to return, like swarmkit.
     */
    private void awaitQuorum(boolean resumed) throws IOException {
        while (true) {
            try {
                manager.awaitCaughtUp(resumed ? QUORUM_WAIT_SLICE : CATCH_UP_TIMEOUT);
                return;
            } catch (IOException e) {
                if (!resumed || closing) {
                    throw e;
                }
                LOG.warn("still waiting for a quorum of managers to elect a leader; keep them running ({})",
                        e.getMessage());
            }
        }
    }

    private void startManager(byte[] dataKey, boolean joining) throws IOException {
        RaftConfiguration.Tls raftTls = new RaftConfiguration.Tls(keys,
                ClusterTrust.managers(tls.ca(), identity.clusterId()));
        ManagerNode m = ManagerNode.start(identity, cfg.raftDir(), dataKey, raftTls, joining, metrics.registry(), clock);
        manager = m;
        m.store().addListener(new UnlockKeyFollower(dataKey));
        admission = new Admission(m.store(), m.writer(), dataKey, clock);
        dispatcher = new Dispatcher(m.store(), m.writer(), m::isLeader, cfg.heartbeatPeriod(), clock).start();
        clusterServer = ClusterServer.start(identity.managerAddr(), keys, tls,
                new ClusterRoutes(this::clusterManager, metrics.registry()), metrics.registry());
    }

    /** Asks the managers to make this (joining or promoted) manager a Raft voter. */
    private void becomeVoter(String via) throws IOException {
        ClusterClient member = ClusterClient.member(keys, tls);
        List<String> tries = new ArrayList<>(List.of(via));
        identity.managers().stream().filter(a -> !a.equals(via) && !a.equals(identity.managerAddr())).forEach(tries::add);
        ClusterException last = null;
        for (String to : tries) {
            try {
                member.post(to, "/v1/raft/members", new ClusterMessages.RaftJoinRequest(identity.raftAddress()),
                        Map.class, JOIN_TIMEOUT);
                return;
            } catch (ClusterException e) {
                last = e;
            }
        }
        throw refused("becoming a Raft member failed", last);
    }

    private void startWorkerSide() {
        List<String> managers = new ArrayList<>(identity.managers());
        if (identity.isManager() && identity.managerAddr() != null) {
            managers.remove(identity.managerAddr());
            managers.add(0, identity.managerAddr()); // likely the leader after init; redirects fix it otherwise
        }
        session = new ManagerSession(ClusterClient.member(keys, tls), managers, cfg.heartbeatPeriod(), this::heard).start();
        reporter = new StatusReporter(session).start();
        ProcessRuntime runtime = new ProcessRuntime(new TaskDirectory(cfg.tasksDir()), cfg.netnsDir(),
                cfg.hostname(), SelfLauncher.current());
        worker = new Worker(identity.nodeId(), session, runtime, reporter, clock, cfg.stopGrace()).start();
    }

    /** Like swarmkit: renew once less than a third of the certificate's validity is left. */
    private boolean renewalDue() {
        X509Certificate cert = tls.certificate();
        long from = cert.getNotBefore().getTime();
        long until = cert.getNotAfter().getTime();
        return clock.millis() > until - (until - from) / 3;
    }

    /** Makes {@code next} this node's credentials on every endpoint, existing ones included. */
    private void useTls(NodeTls next) {
        tls = next;
        if (keys == null) {
            keys = new RenewableKeyManager(next.keyManager());
        } else {
            keys.use(next.keyManager());
        }
    }

    /** Keeps the manager list on disk current and reacts when the managers changed this node's role. */
    private void heard(ClusterMessages.HeartbeatResponse r) {
        SwarmIdentity id = identity;
        if (id == null) {
            return;
        }
        if (!r.managers().isEmpty() && !r.managers().equals(id.managers())) {
            try {
                SwarmIdentity updated = id.withManagers(r.managers());
                updated.save(cfg.identityFile());
                identity = updated;
            } catch (IOException e) {
                LOG.warn("could not save the manager list: {}", e.getMessage());
            }
        }
        boolean roleChanged = r.role() != null && !r.role().equals(id.role());
        if (roleChanged || renewalDue()) {
            synchronized (this) {
                if (roleChange == null || !roleChange.isAlive()) {
                    roleChange = new RoleChange(r.role() == null ? id.role() : r.role());
                    roleChange.start();
                }
            }
        }
    }

    /**
     * A promotion or demotion seen in a heartbeat, or a certificate close to expiry: renew the
     * certificate for the (new) role, then start (joining the Raft group) or stop the manager side. Runs on its own thread because the
     * heartbeat thread must keep beating meanwhile.
     */
    private final class RoleChange extends Thread {
        private final String role;

        RoleChange(String role) {
            super("role-change");
            setDaemon(true);
            this.role = role;
        }

        @Override
        public void run() {
            try {
                changeRole(role);
            } catch (Exception e) {
                LOG.warn("changing this node's role to {} failed, will retry on the next heartbeat: {}", role,
                        e.getMessage());
            }
        }
    }

    private void changeRole(String role) throws Exception {
        ClusterClient member = ClusterClient.member(tls);
        String to = session.target();
        KeyPair key = CertificateRequests.newKeyPair();
        ClusterMessages.RenewResponse renewed = member.post(to, "/v1/renew",
                new ClusterMessages.RenewRequest(Pem.encode(CertificateRequests.create(key))),
                ClusterMessages.RenewResponse.class, JOIN_TIMEOUT);
        if (!role.equals(renewed.role())) {
            return; // changed again meanwhile; the next heartbeat brings the final word
        }
        synchronized (this) {
            NodeTls fresh = new NodeTls(key.getPrivate(), Pem.certificate(renewed.certificate()), tls.ca());
            new NodeCertificates(cfg.certsDir()).save(fresh.certificate(), key.getPrivate(), fresh.ca());
            useTls(fresh);
            if (role.equals(identity.role())) {
                LOG.info("certificate renewed; valid until {}", fresh.certificate().getNotAfter().toInstant());
                return;
            }
            if (SwarmIdentity.MANAGER.equals(role)) {
                String listen = identity.managerAddr() != null ? identity.managerAddr()
                        : hostPort(identity.advertiseAddr(), AgentConfiguration.CLUSTER_PORT_DEFAULT);
                ClusterMessages.DataKey stored = ClusterClient.member(fresh).get(to, "/v1/data-key",
                        ClusterMessages.DataKey.class, JOIN_TIMEOUT);
                byte[] dataKey = Base64.getDecoder().decode(stored.dataKey());
                sealDataKey(dataKey, stored.unlockKey());
                identity = new SwarmIdentity(identity.clusterId(), identity.nodeId(), identity.raftAddress(),
                        identity.advertiseAddr(), SwarmIdentity.MANAGER, listen, identity.managers());
                identity.save(cfg.identityFile());
                FileTree.delete(cfg.raftDir());
                startManager(dataKey, true);
                becomeVoter(to);
                manager.awaitCaughtUp(CATCH_UP_TIMEOUT);
                manager.startLoops(clock);
                LOG.info("this node was promoted: it is now a manager");
            } else {
                stopManager();
                FileTree.delete(cfg.raftDir());
                FileTree.delete(cfg.keysDir());
                identity = identity.withRole(SwarmIdentity.WORKER);
                identity.save(cfg.identityFile());
                LOG.info("this node was demoted: it is now a worker");
            }
        }
    }

    /**
     * Seals the Raft data key on disk: with the swarm's unlock key (autolock: the key stays off
     * disk and a restart waits for {@code swarm unlock}) or with a key-encryption key stored next to it.
     */
    private void sealDataKey(byte[] dataKey, String unlockKey) throws IOException {
        DataKeyStore keys = new DataKeyStore(cfg.keysDir());
        if (unlockKey == null) {
            keys.store(dataKey, false);
        } else {
            keys.storeLocked(dataKey, unlockKey);
        }
    }

    /**
     * Re-seals this manager's data key when the swarm's unlock key changes ({@code unlock-key
     * --rotate}, {@code swarm update --autolock}), so every manager needs the current key after a restart.
     */
    private final class UnlockKeyFollower implements io.trellis.controlplane.store.CommitListener {
        private final byte[] dataKey;

        UnlockKeyFollower(byte[] dataKey) {
            this.dataKey = dataKey.clone();
        }

        @Override
        public void onCommit(ClusterSnapshot before, ClusterSnapshot after) {
            String was = before.cluster() == null ? null : before.cluster().unlockKey();
            String now = after.cluster() == null ? null : after.cluster().unlockKey();
            if (before.cluster() != null && !java.util.Objects.equals(was, now)) {
                try {
                    sealDataKey(dataKey, now);
                    LOG.info(now == null ? "autolock turned off: the data key is sealed with a key on disk"
                            : "the swarm's unlock key changed: this manager's data key is sealed with the new one");
                } catch (IOException e) {
                    LOG.error("re-sealing the data key after an unlock key change failed: {}", e.getMessage());
                }
            }
        }
    }

    /** Creates the cluster on first start and (re)declares this manager's node record. */
    private void registerSelf(StoreBatch... first) {
        ManagerNode m = manager;
        SwarmIdentity id = identity;
        long now = clock.millis();
        ClusterSnapshot view = m.store().view();
        if (view.cluster() == null && first.length == 0) {
            throw new IllegalStateException("this manager's store has no cluster record: swarm init did not finish; "
                    + "remove " + cfg.dataDir() + " and initialize again");
        }
        Node old = view.nodes().get(id.nodeId());
        Node self = new Node(id.nodeId(), cfg.hostname(), Node.Role.MANAGER,
                old == null ? Node.Availability.ACTIVE : old.availability(),
                old == null ? Node.Status.READY : old.status(), id.advertiseAddr(),
                Version.current(), old == null ? Map.of() : old.labels(), old == null ? now : old.createdAt(), now,
                id.managerAddr());
        if (old != null && first.length == 0 && sameRecord(old, self)) {
            return;
        }
        List<StoreOp> ops = new ArrayList<>();
        for (StoreBatch b : first) {
            ops.addAll(b.ops());
        }
        ops.add(new StoreOp.PutNode(self));
        StoreReply reply = m.writer().submit(new StoreBatch(ops));
        if (!reply.ok()) {
            throw new IllegalStateException("registering this node failed: " + reply.error());
        }
    }

    /** Equal but for the update time: nothing to write. */
    private static boolean sameRecord(Node a, Node b) {
        return a.hostname().equals(b.hostname()) && a.role() == b.role() && a.address().equals(b.address())
                && a.engineVersion().equals(b.engineVersion()) && java.util.Objects.equals(a.managerAddr(), b.managerAddr());
    }

    private ClusterRoutes.Manager clusterManager() {
        ManagerNode m = manager;
        if (m == null) {
            return null;
        }
        return new ClusterRoutes.Manager() {
            @Override
            public Admission admission() {
                return admission;
            }

            @Override
            public Dispatcher dispatcher() {
                return dispatcher;
            }

            @Override
            public ClusterTrust trust() {
                return ClusterTrust.anyNode(tls.ca(), identity.clusterId());
            }

            @Override
            public void addRaftMember(String nodeId, String raftAddr) throws IOException {
                Node n = m.store().view().nodes().get(nodeId);
                if (n == null || n.role() != Node.Role.MANAGER) {
                    throw new ApiException(ApiException.Kind.FORBIDDEN, "node " + nodeId + " is not a manager");
                }
                m.addRaftMember(new RaftConfiguration.Peer(nodeId, raftAddr));
                LOG.info("node {} ({}) is now a Raft member at {}", n.hostname(), nodeId, raftAddr);
            }

            @Override
            public Optional<String> leaderAddress() {
                return m.leaderId().map(id -> m.store().view().nodes().get(id)).map(Node::managerAddr);
            }

            @Override
            public Optional<Node> node(String nodeId) {
                return Optional.ofNullable(m.store().view().nodes().get(nodeId));
            }
        };
    }

    private synchronized void stopManager() {
        if (clusterServer != null) {
            clusterServer.close();
            clusterServer = null;
        }
        if (dispatcher != null) {
            dispatcher.close();
            dispatcher = null;
        }
        admission = null;
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }

    private void stopMember() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
        if (reporter != null) {
            reporter.close();
            reporter = null;
        }
        if (session != null) {
            session.close();
            session = null;
        }
        stopManager();
    }

    /** Removes every trace of swarm membership from the data directory. */
    private void forgetSwarm() throws IOException {
        identity = null;
        tls = null;
        keys = null;
        Files.deleteIfExists(cfg.identityFile());
        FileTree.delete(cfg.certsDir());
        FileTree.delete(cfg.keysDir());
        FileTree.delete(cfg.raftDir());
    }

    private void refuseIfMember() {
        if (identity != null || locked) {
            throw new ApiException(ApiException.Kind.CONFLICT,
                    "this node is already part of a swarm; use trellis swarm leave first");
        }
    }

    private String advertise(String advertiseAddr) {
        String addr = advertiseAddr == null || advertiseAddr.isBlank() ? cfg.advertiseAddr() : advertiseAddr;
        if (!addr.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw ApiException.invalid("invalid --advertise-addr \"" + addr + "\": expected an IP address");
        }
        return addr;
    }

    /** {@code --listen-addr}: IP, IP:PORT, or (default) the advertise address on port 2377. */
    private static String listenAddress(String listenAddr, String advertise) {
        if (listenAddr == null || listenAddr.isBlank()) {
            return hostPort(advertise, AgentConfiguration.CLUSTER_PORT_DEFAULT);
        }
        if (listenAddr.matches("[0-9.]+")) {
            return listenAddr + ":" + AgentConfiguration.CLUSTER_PORT_DEFAULT;
        }
        if (!listenAddr.matches("[0-9.]+:\\d{1,5}|\\[[0-9a-fA-F:]+\\]:\\d{1,5}")) {
            throw ApiException.invalid("invalid --listen-addr \"" + listenAddr + "\": expected IP[:PORT]");
        }
        int port = Integer.parseInt(listenAddr.substring(listenAddr.lastIndexOf(':') + 1));
        if (port < 1 || port > 65535) {
            throw ApiException.invalid("invalid --listen-addr \"" + listenAddr + "\": port must be 1-65535");
        }
        return listenAddr;
    }

    private byte[] dataKey() throws IOException {
        return new DataKeyStore(cfg.keysDir()).load();
    }

    private static ApiException refused(String what, ClusterException e) {
        if (e == null) {
            return new ApiException(ApiException.Kind.UNAVAILABLE, what + ": no manager to ask");
        }
        ApiException.Kind kind = switch (e.status()) {
            case 0 -> ApiException.Kind.UNAVAILABLE;
            case 400 -> ApiException.Kind.INVALID;
            case 401 -> ApiException.Kind.UNAUTHORIZED;
            case 403 -> ApiException.Kind.FORBIDDEN;
            case 409 -> ApiException.Kind.CONFLICT;
            default -> ApiException.Kind.UNAVAILABLE;
        };
        return new ApiException(kind, what + ": " + e.getMessage());
    }

    private static String hostPort(String addr, int port) {
        return addr.contains(":") ? "[" + addr + "]:" + port : addr + ":" + port;
    }

    public InfoView info() {
        SwarmIdentity id = identity;
        ManagerNode m = manager;
        String swarm = resuming ? "starting" : locked ? "locked" : id == null ? "inactive" : "active";
        return new InfoView(swarm, id == null ? "" : id.nodeId(),
                id == null ? "" : id.clusterId(), cfg.hostname(), m != null, m != null && m.isLeader(),
                Version.current(), "process");
    }

    /** The manager, or a 503 that tells the user what to do. */
    public ManagerNode manager() {
        ManagerNode m = manager;
        if (m != null && m.leaderId().isEmpty()) {
            // Its view may be stale: say so rather than answer from it (Swarm does the same).
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "the swarm does not have a leader: too few "
                    + "managers are online; make sure more than half of them are running and reachable");
        }
        if (m != null) {
            return m;
        }
        if (resuming) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE,
                    "the agent is starting: it is restoring the cluster store, try again in a moment");
        }
        if (locked) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE,
                    "the swarm is locked: run trellis swarm unlock and give the unlock key");
        }
        if (identity != null) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "this node is not a swarm manager; worker nodes "
                    + "cannot view or change cluster state: run this on a manager, or promote this node");
        }
        throw new ApiException(ApiException.Kind.UNAVAILABLE,
                "this node is not a swarm manager; run trellis swarm init or trellis swarm join first");
    }

    public Optional<SwarmIdentity> identity() {
        return Optional.ofNullable(identity);
    }

    public AgentConfiguration configuration() {
        return cfg;
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        closing = true; // ends a restarted manager's wait for quorum, which holds the lock
        synchronized (this) {
            stopMember();
            metrics.close();
        }
    }
}
