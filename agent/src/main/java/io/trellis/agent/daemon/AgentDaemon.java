package io.trellis.agent.daemon;

import io.micrometer.core.instrument.Gauge;
import io.trellis.agent.api.InfoView;
import io.trellis.agent.cli.Version;
import io.trellis.agent.metrics.AgentMetrics;
import io.trellis.agent.runtime.ProcessRuntime;
import io.trellis.agent.runtime.SelfLauncher;
import io.trellis.agent.runtime.TaskDirectory;
import io.trellis.agent.worker.StatusReporter;
import io.trellis.agent.worker.Worker;
import io.trellis.controlplane.api.ApiException;
import io.trellis.controlplane.pki.CertificateAuthority;
import io.trellis.controlplane.pki.CertificateRequests;
import io.trellis.controlplane.pki.JoinToken;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.pki.Pem;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import io.trellis.controlplane.atrest.DataKeyStore;
import io.trellis.controlplane.atrest.SealedBox;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Ids;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's agent: before {@code swarm init} it only answers the admin API; after it (or on restart
 * with a swarm identity on disk) it runs the manager (Raft store, control loops) and the worker.
 * This is the only place where control-plane state is wired to the node's runtime.
 */
public final class AgentDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentDaemon.class);

    private final AgentConfiguration cfg;
    private final Clock clock;
    private final AgentMetrics metrics;
    private volatile SwarmIdentity identity;
    private volatile ManagerNode manager;
    /** True while a restarted agent replays its log; the API says so instead of "not a manager". */
    private volatile boolean resuming;
    private StatusReporter reporter;
    private Worker worker;

    public AgentDaemon(AgentConfiguration cfg, Clock clock) {
        this.cfg = cfg;
        this.clock = clock;
        this.metrics = new AgentMetrics(Version.current());
        // Set before the admin API answers, so nobody is told "not a manager" while the log replays.
        this.resuming = java.nio.file.Files.exists(cfg.identityFile());
        metrics.bindTasks(() -> manager == null ? null : manager.store().view());
        Gauge.builder("trellis.worker.tasks.running", () -> worker == null ? 0 : worker.runningCount())
                .description("Task processes this node runs").register(metrics.registry());
    }

    /** Resumes the swarm this node belongs to, if any. */
    public synchronized void start() throws IOException {
        Optional<SwarmIdentity> id = SwarmIdentity.load(cfg.identityFile());
        if (id.isPresent()) {
            LOG.info("resuming swarm {} as node {}", id.get().clusterId(), id.get().nodeId());
            try {
                startSwarmMember(id.get());
            } finally {
                resuming = false;
            }
        } else {
            resuming = false;
            LOG.info("not part of a swarm yet: run trellis swarm init");
        }
    }

    /** {@code swarm init}: creates a single-manager cluster with this node as its leader. */
    public synchronized InfoView initSwarm(String advertiseAddr) throws IOException {
        if (identity != null) {
            throw new ApiException(ApiException.Kind.CONFLICT,
                    "this node is already part of a swarm; use trellis swarm leave first");
        }
        String addr = advertiseAddr == null || advertiseAddr.isBlank() ? cfg.advertiseAddr() : advertiseAddr;
        if (!addr.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw ApiException.invalid("invalid --advertise-addr \"" + addr + "\": expected an IP address");
        }
        SwarmIdentity id = new SwarmIdentity(Ids.newId(), Ids.newId(), hostPort(addr, cfg.raftPort()), addr);
        id.save(cfg.identityFile());
        try {
            startSwarmMember(id);
        } catch (IOException | RuntimeException e) {
            java.nio.file.Files.deleteIfExists(cfg.identityFile());
            throw e;
        }
        LOG.info("swarm {} initialized; node {} is its manager", id.clusterId(), id.nodeId());
        return info();
    }

    private static String hostPort(String addr, int port) {
        return addr.contains(":") ? "[" + addr + "]:" + port : addr + ":" + port;
    }

    private void startSwarmMember(SwarmIdentity id) throws IOException {
        DataKeyStore keys = new DataKeyStore(cfg.keysDir());
        if (!keys.exists()) {
            keys.store(SealedBox.newKey(), false);
        }
        ManagerNode m = ManagerNode.start(id, cfg.raftDir(), keys.load(), metrics.registry(), clock);
        try {
            registerSelf(m, id);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        this.identity = id;
        this.manager = m;
        m.startLoops(clock);
        reporter = new StatusReporter(m.writer()).start();
        ProcessRuntime runtime = new ProcessRuntime(new TaskDirectory(cfg.tasksDir()), cfg.netnsDir(),
                cfg.hostname(), SelfLauncher.current());
        worker = new Worker(id.nodeId(), m.store(), runtime, reporter, clock, cfg.stopGrace()).start();
    }

    /** Creates the cluster on first start and (re)declares this node ready. */
    private void registerSelf(ManagerNode m, SwarmIdentity id) {
        long now = clock.millis();
        ClusterSnapshot view = m.store().view();
        Node old = view.nodes().get(id.nodeId());
        Node self = new Node(id.nodeId(), cfg.hostname(), Node.Role.MANAGER,
                old == null ? Node.Availability.ACTIVE : old.availability(), Node.Status.READY, id.advertiseAddr(),
                Version.current(), old == null ? Map.of() : old.labels(), old == null ? now : old.createdAt(), now);
        StoreBatch batch = view.cluster() == null
                ? StoreBatch.of(new StoreOp.InitCluster(newCluster(id, now)), new StoreOp.PutNode(self))
                : StoreBatch.of(new StoreOp.PutNode(self));
        StoreReply reply = m.writer().submit(batch);
        if (!reply.ok()) {
            throw new IllegalStateException("registering this node failed: " + reply.error());
        }
    }

    /**
     * The cluster record {@code swarm init} commits: a new root CA and join tokens; this node's own
     * manager certificate is issued from it and kept in {@code <data-dir>/certs}.
     */
    private ClusterInfo newCluster(SwarmIdentity id, long now) {
        CertificateAuthority ca = CertificateAuthority.create(id.clusterId(), clock);
        KeyPair nodeKey = CertificateRequests.newKeyPair();
        X509Certificate nodeCert = ca.issue(CertificateRequests.create(nodeKey), id.nodeId(), NodeRole.MANAGER,
                id.clusterId(), CertificateAuthority.NODE_VALIDITY_DEFAULT);
        try {
            new NodeCertificates(cfg.certsDir()).save(nodeCert, nodeKey, ca.certificate());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("storing this node's certificate failed", e);
        }
        return new ClusterInfo(id.clusterId(), now, Pem.encode(ca.certificate()), Pem.encode(ca.key()),
                JoinToken.generate(ca.certificate()).toString(), JoinToken.generate(ca.certificate()).toString());
    }

    public InfoView info() {
        SwarmIdentity id = identity;
        ManagerNode m = manager;
        String swarm = resuming ? "starting" : id == null ? "inactive" : "active";
        return new InfoView(swarm, id == null ? "" : id.nodeId(),
                id == null ? "" : id.clusterId(), cfg.hostname(), m != null, m != null && m.isLeader(),
                Version.current(), "process");
    }

    /** The manager, or a 503 that tells the user what to do. */
    public ManagerNode manager() {
        ManagerNode m = manager;
        if (m == null && resuming) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE,
                    "the agent is starting: it is restoring the cluster store, try again in a moment");
        }
        if (m == null) {
            throw new ApiException(ApiException.Kind.UNAVAILABLE,
                    "this node is not a swarm manager; run trellis swarm init first");
        }
        return m;
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
    public synchronized void close() {
        if (worker != null) {
            worker.close();
        }
        if (reporter != null) {
            reporter.close();
        }
        if (manager != null) {
            manager.close();
        }
        metrics.close();
    }
}
