package io.trellis.daemon;

import io.micrometer.core.instrument.Gauge;
import io.trellis.api.InfoView;
import io.trellis.api.Version;
import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.atrest.KeyRing;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.daemon.metrics.AgentMetrics;
import io.trellis.daemon.ingress.IngressAgent;
import io.trellis.daemon.metrics.IngressMetrics;
import io.trellis.daemon.metrics.OverlayMetrics;
import io.trellis.daemon.network.NetworkAgent;
import io.trellis.daemon.node.NodeClient;
import io.trellis.daemon.volumes.LocalVolumes;
import io.trellis.process.FileTree;
import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's agent: before {@code swarm init} or {@code swarm join} it only answers the admin API;
 * after that (or on restart with a swarm identity on disk) every node runs a session with the
 * leader and a worker ({@link WorkerRole}), and managers also run the Raft store, the control loops,
 * the dispatcher and the cluster port ({@link ManagerRole}). This is the only place where
 * control-plane state is wired to the node's runtime.
 */
public final class AgentDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentDaemon.class);
    static final String NO_LEADER = "the swarm does not have a leader: too few managers are online; make sure more "
            + "than half of them are running and reachable";

    private final AgentConfiguration cfg;
    private final Clock clock;
    private final AgentMetrics metrics;
    private final OverlayMetrics overlayMetrics;
    private final IngressMetrics ingressMetrics;
    private final IdentityFile identity;
    private final NodeCredentials credentials = new NodeCredentials();
    private final Object nodeClientLock = new Object();
    private NodeClient nodeClient; // guarded by nodeClientLock
    private X509Certificate nodeClientCa; // guarded by nodeClientLock
    private final DataKeySealer dataKeys;
    private final RoleChange roleChange;
    private final LocalVolumes volumes;
    private volatile ManagerRole managerSide;
    private volatile WorkerRole workerSide;
    /** True while a restarted agent replays its log; the API says so instead of "not a manager". */
    private volatile boolean resuming;
    /** True while an autolocked manager waits for {@code swarm unlock} after a restart. */
    private volatile boolean locked;
    private volatile boolean closing;

    public AgentDaemon(AgentConfiguration cfg, Clock clock) {
        this.cfg = cfg;
        this.clock = clock;
        this.metrics = new AgentMetrics(Version.current());
        this.overlayMetrics = new OverlayMetrics(metrics.registry());
        this.ingressMetrics = new IngressMetrics(metrics.registry());
        this.identity = new IdentityFile(cfg.identityFile());
        this.dataKeys = new DataKeySealer(cfg.keysDir());
        this.roleChange = new RoleChange(this, new RoleChangeTarget(), identity, credentials, cfg, dataKeys, clock);
        this.volumes = LocalVolumes.under(cfg.dataDir());
        // Set before the admin API answers, so nobody is told "not a manager" while the log replays.
        this.resuming = Files.exists(cfg.identityFile());
        metrics.bindTasks(this::clusterView);
        metrics.bindNodes(this::clusterView);
        Gauge.builder("trellis.worker.tasks.running", () -> workerSide == null ? 0 : workerSide.runningCount())
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
            identity.use(id.get());
            credentials.use(new NodeCertificates(cfg.certsDir()).load());
            if (id.get().isManager() && dataKeys.isLocked()) {
                locked = true;
                LOG.warn("the swarm is locked: this manager waits for trellis swarm unlock");
                return;
            }
            startMember(id.get().isManager() ? dataKeys.open() : null, true);
        } finally {
            resuming = false;
        }
    }

    /**
     * {@code swarm init}: creates a cluster with this node as its first manager and leader, and its
     * ingress network.
     *
     * @param addressPool {@code --default-addr-pool}, or null for 10.0.0.0/8
     * @param subnetSize  {@code --default-addr-pool-mask-length}, or null for 24
     */
    public synchronized Map<String, String> initSwarm(String advertiseAddr, String listenAddr, boolean autolock,
                                                      String addressPool, Integer subnetSize) throws IOException {
        refuseIfMember();
        AddressPool pool = AddressPool.of(addressPool, subnetSize);
        String addr = NodeAddresses.advertise(advertiseAddr, cfg.advertiseAddr());
        String listen = NodeAddresses.listen(listenAddr, addr);
        ManagerPorts.requireFree(NodeAddresses.hostPort(addr, cfg.raftPort()), listen);
        NewSwarm swarm = NewSwarm.create(addr, listen, cfg.raftPort(), autolock, pool, clock);
        SwarmIdentity id = swarm.member().identity();
        try {
            adopt(swarm.member());
            startMember(swarm.member().dataKeys(), false, swarm.firstBatch());
        } catch (IOException | RuntimeException e) {
            stopMember();
            forgetSwarm();
            throw e;
        }
        LOG.info("swarm {} initialized; node {} is its manager", id.clusterId(), id.nodeId());
        return swarm.reply();
    }

    /**
     * {@code swarm join}: pins the manager's CA to the token, sends a CSR with the token, and takes
     * part in the role the token grants: a manager first becomes a Raft voter and catches up.
     */
    public synchronized Map<String, String> joinSwarm(String token, String remote, String advertiseAddr,
                                                      String listenAddr) throws IOException {
        refuseIfMember();
        MembershipGrant member = SwarmJoin.join(token, remote, advertiseAddr, listenAddr, cfg);
        SwarmIdentity id = member.identity();
        if (id.isManager()) {
            requirePortsAfterAdmission(id);
        }
        try {
            adopt(member);
            if (member.dataKeys() != null) { // admitted as a manager
                newManagerSide().join(id, member.dataKeys(), remote);
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
        SwarmIdentity id = identity.get();
        if (id == null) {
            throw new ApiException(ApiException.Kind.CONFLICT, "this node is not part of a swarm");
        }
        ControlPlane manager = managerNode();
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

    /** {@code swarm unlock}: opens the data keys with the user's unlock key and starts the manager. */
    public synchronized void unlock(String unlockKey) throws IOException {
        if (!locked) {
            throw new ApiException(ApiException.Kind.CONFLICT, "this node is not locked");
        }
        KeyRing ring;
        try {
            ring = dataKeys.unlock(unlockKey);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        locked = false;
        startMember(ring, true);
    }

    /**
     * Only the managers' answer tells whether the token made this node a manager, so its ports are
     * checked once admitted, before anything is saved; the node record the managers already made
     * stays behind, and the message names it.
     */
    private static void requirePortsAfterAdmission(SwarmIdentity id) {
        try {
            ManagerPorts.requireFree(id);
        } catch (ApiException e) {
            throw new ApiException(e.kind(), e.getMessage() + " (the managers admitted this attempt as node "
                    + id.nodeId() + ": demote and remove it with trellis node demote, trellis node rm)");
        }
    }

    // ---------------------------------------------------------------- membership plumbing

    /** Saves what makes this node a member (certificates, sealed data key, identity) and takes it on. */
    private void adopt(MembershipGrant member) throws IOException {
        new NodeCertificates(cfg.certsDir()).save(member.tls().certificate(), member.tls().key(), member.tls().ca());
        if (member.dataKeys() != null) {
            dataKeys.seal(member.dataKeys(), member.unlockKey());
        }
        identity.save(member.identity());
        credentials.use(member.tls());
    }

    private void startMember(KeyRing ring, boolean resumed, StoreBatch... first) throws IOException {
        if (identity.get().isManager()) {
            newManagerSide().start(identity.get(), ring, resumed, () -> closing, first);
        }
        startWorkerSide();
    }

    /** Published before it starts, so the admin API sees the replica while it waits for a leader. */
    private ManagerRole newManagerSide() {
        managerSide = new ManagerRole(cfg, credentials, dataKeys, metrics.registry(), clock);
        return managerSide;
    }

    private void startWorkerSide() {
        workerSide = WorkerRole.start(identity.get(), credentials, cfg, clock, this::heard, overlayMetrics::update,
                ingressMetrics::update, volumes);
    }

    /** This node's named volumes (process runtime), in a swarm or not: they outlive both. */
    public LocalVolumes volumes() {
        return volumes;
    }

    /** This node's published ports, or null when it is in no swarm. */
    public IngressAgent ingress() {
        WorkerRole w = workerSide;
        return w == null ? null : w.ingress();
    }

    /** This node's overlay (networks, VIP tables), or null when it is in no swarm. */
    public NetworkAgent network() {
        WorkerRole w = workerSide;
        return w == null ? null : w.network();
    }

    /** Keeps the manager list on disk current and reacts when the managers changed this node's role. */
    private void heard(String via, ClusterMessages.HeartbeatResponse r) {
        SwarmIdentity id = identity.get();
        if (id == null) {
            return;
        }
        if (!r.managers().isEmpty() && !r.managers().equals(id.managers())) {
            try {
                identity.save(id.withManagers(r.managers()));
            } catch (IOException e) {
                LOG.warn("could not save the manager list: {}", e.getMessage());
            }
        }
        roleChange.heard(id, r.role(), via);
    }

    /** What a role change needs of this node; it calls in with the daemon's lock held. */
    private final class RoleChangeTarget implements RoleChange.Node {
        @Override
        public String sessionTarget() {
            return workerSide.sessionTarget();
        }

        @Override
        public void startManager(SwarmIdentity id, KeyRing ring, String via) throws IOException {
            try {
                newManagerSide().join(id, ring, via);
            } catch (IOException | RuntimeException e) {
                AgentDaemon.this.stopManager();
                throw e;
            }
        }

        @Override
        public void stopManager() {
            AgentDaemon.this.stopManager();
        }

        @Override
        public void leaveRaftGroup() throws IOException {
            ControlPlane manager = managerNode();
            if (manager != null && manager.isRaftVoter() && manager.raftMembers().size() > 1) {
                // A manager that demoted itself: the others must get a data key this node never sees,
                // and it can still propose one now, wrapped for them (the store already says worker).
                try {
                    manager.rotateDataKey();
                } catch (RuntimeException e) {
                    LOG.warn("the Raft data key was not rotated before leaving the Raft group: {}", e.getMessage());
                }
                manager.removeRaftMember(identity.get().nodeId());
                LOG.info("left the Raft group");
            }
        }
    }

    private synchronized void stopManager() {
        if (managerSide != null) {
            managerSide.close();
            managerSide = null;
        }
    }

    private void stopMember() {
        if (workerSide != null) {
            workerSide.close();
            workerSide = null;
        }
        stopManager();
    }

    /** Removes every trace of swarm membership from the data directory. */
    private void forgetSwarm() throws IOException {
        credentials.forget();
        identity.forget();
        FileTree.delete(cfg.certsDir());
        FileTree.delete(cfg.keysDir());
        FileTree.delete(cfg.raftDir());
    }

    private void refuseIfMember() {
        if (identity.get() != null || locked) {
            throw new ApiException(ApiException.Kind.CONFLICT,
                    "this node is already part of a swarm; use trellis swarm leave first");
        }
    }

    private ControlPlane managerNode() {
        ManagerRole side = managerSide;
        return side == null ? null : side.node();
    }

    /** What the metrics count; null on a worker. */
    private ClusterSnapshot clusterView() {
        ControlPlane m = managerNode();
        return m == null ? null : m.store().view();
    }

    public InfoView info() {
        SwarmIdentity id = identity.get();
        String swarm = resuming ? InfoViews.STARTING : locked ? InfoViews.LOCKED
                : id == null ? InfoViews.INACTIVE : InfoViews.ACTIVE;
        WorkerRole w = workerSide;
        return InfoViews.of(swarm, id, managerNode(), cfg, w == null ? TaskRuntimes.PROCESS : w.runtimes());
    }

    /** The manager, or a 503 that tells the user what to do. */
    public ControlPlane manager() {
        ControlPlane m = managerNode();
        if (m != null && m.leaderId().isEmpty()) {
            // Its view may be stale: say so rather than answer from it (Swarm does the same).
            throw new ApiException(ApiException.Kind.UNAVAILABLE, NO_LEADER);
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
        if (identity.get() != null) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "this node is not a swarm manager; worker nodes "
                    + "cannot view or change cluster state: run this on a manager, or promote this node");
        }
        throw new ApiException(ApiException.Kind.UNAVAILABLE,
                "this node is not a swarm manager; run trellis swarm init or trellis swarm join first");
    }

    public Optional<SwarmIdentity> identity() {
        return Optional.ofNullable(identity.get());
    }

    /**
     * How this manager reaches nodes' ports (exec, task logs), with its current credentials. One client per
     * CA, so its connections are reused; a renewed certificate is presented through the same key manager.
     */
    public NodeClient nodeClient() {
        NodeTls tls = credentials.tls();
        if (tls == null) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "this node is not part of a swarm");
        }
        synchronized (nodeClientLock) {
            if (nodeClient == null || nodeClientCa != tls.ca()) {
                nodeClient = new NodeClient(credentials.keys(), tls, cfg.nodePort());
                nodeClientCa = tls.ca();
            }
            return nodeClient;
        }
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
