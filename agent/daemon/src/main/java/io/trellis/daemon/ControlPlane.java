package io.trellis.daemon;

import io.micrometer.core.instrument.MeterRegistry;
import io.trellis.controlplane.api.ClusterApi;
import io.trellis.controlplane.api.NetworkApi;
import io.trellis.controlplane.atrest.EncryptedLog;
import io.trellis.controlplane.atrest.KeyRing;
import io.trellis.controlplane.atrest.NodeKeys;
import io.trellis.controlplane.atrest.Recipients;
import io.trellis.controlplane.atrest.RingKeeper;
import io.trellis.controlplane.keys.NetworkKeyRotation;
import io.trellis.controlplane.orchestrator.DownNodeReconciler;
import io.trellis.controlplane.orchestrator.GlobalOrchestrator;
import io.trellis.controlplane.orchestrator.ReplicatedOrchestrator;
import io.trellis.controlplane.orchestrator.TaskReaper;
import io.trellis.controlplane.raft.RaftConfiguration;
import io.trellis.controlplane.raft.RaftReplica;
import io.trellis.controlplane.raft.RaftTimeouts;
import io.trellis.controlplane.raft.RaftTimings;
import io.trellis.controlplane.reconcile.ReconcileLoop;
import io.trellis.controlplane.reconcile.Reconciler;
import io.trellis.controlplane.scheduler.Scheduler;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Proposer;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A manager's share of the agent: the Raft replica with the cluster store on top, the APIs, and the
 * control loops (replicated and global orchestrators, task reaper, scheduler, down-node reconciler)
 * which act only while this replica leads.
 */
public final class ControlPlane implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ControlPlane.class);
    private static final Duration RAFT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** A rotation is void when the managers changed before it committed; it is tried again this often. */
    private static final int ROTATION_ATTEMPTS = 5;

    private final ClusterStore store;
    private final RaftReplica raft;
    private final StoreWriter writer;
    private final ClusterApi api;
    private final NetworkApi networks;
    private final List<ReconcileLoop> loops = new ArrayList<>();
    private final String selfId;
    private final EncryptedLog log;

    private ControlPlane(String selfId, ClusterStore store, RaftReplica raft, EncryptedLog log, Clock clock) {
        this.selfId = selfId;
        this.store = store;
        this.raft = raft;
        this.log = log;
        this.writer = new StoreWriter(log.sealing(raft));
        this.api = new ClusterApi(store, writer, clock);
        this.networks = new NetworkApi(store, writer, clock);
    }

    /**
     * Starts the replica and returns at once; call {@link #awaitCaughtUp} before reading the store.
     * A joining manager is not a member until the leader adds it.
     */
    public static ControlPlane start(SwarmIdentity id, Path raftDir, byte[] dataKey, RaftConfiguration.Tls tls,
                                    boolean joining, MeterRegistry metrics, Clock clock) throws IOException {
        return start(id, raftDir, KeyRing.of(dataKey), tls, joining, metrics, clock, NodeKeys.NONE, RingKeeper.NONE,
                RaftTimeouts.DEFAULT);
    }

    /**
     * Like {@link #start(SwarmIdentity, Path, byte[], RaftConfiguration.Tls, boolean, MeterRegistry, Clock)}
     * with the ring of data keys this manager holds; {@code self} opens its copies of rotated keys,
     * and {@code keeper} stores the ring on disk each time one is added; {@code timeouts} are the agent's
     * {@code --raft-election-timeout} and {@code --raft-request-timeout}.
     */
    public static ControlPlane start(SwarmIdentity id, Path raftDir, KeyRing dataKeys, RaftConfiguration.Tls tls,
                                    boolean joining, MeterRegistry metrics, Clock clock, NodeKeys self,
                                    RingKeeper keeper, RaftTimeouts timeouts) throws IOException {
        ClusterStore store = new ClusterStore();
        // Entries are sealed before Raft sees them: the log and snapshots on disk hold only ciphertext.
        EncryptedLog log = new EncryptedLog(dataKeys);
        RaftConfiguration cfg = RaftConfiguration.builder(id.nodeId(), id.raftAddress(), raftDir)
                .clusterId(id.clusterId())
                .tls(tls)
                .joining(joining)
                .timeouts(timeouts)
                .build();
        RaftReplica raft = RaftReplica.start(cfg,
                log.opening(store, () -> Recipients.managerIds(store.view()), self, keeper), metrics);
        return new ControlPlane(id.nodeId(), store, raft, log, clock);
    }

    /** The data keys this manager holds now: what a joining or promoted manager is given. */
    public KeyRing dataKeys() {
        return log.ring();
    }

    /**
     * Gives the store's managers a new data key, wrapped for each one's node key, and returns its ID
     * once applied here; this manager seals with it from then on (if it is one of them), and so does
     * each other manager once it applies the rotation. Nodes that are not managers now never learn it.
     *
     * @throws IllegalStateException when a manager has no node key on record, or the managers kept
     *     changing under the rotation
     * @throws Proposer.NotLeaderException            when no leader is known
     * @throws StoreWriter.StoreUnavailableException  when the log did not take the rotation in time
     */
    public int rotateDataKey() {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < ROTATION_ATTEMPTS; attempt++) {
            Map<String, PublicKey> managers = Recipients.managers(store.view());
            try {
                int id = log.rotate(raft, managers).get(StoreWriter.TIMEOUT_DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("data key rotated: key {} is for managers {}", id, managers.keySet());
                return id;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IllegalStateException voided) {
                    last = voided; // the managers moved under it: wrap for the current ones
                    continue;
                }
                if (e.getCause() instanceof Proposer.NotLeaderException nle) {
                    throw nle;
                }
                throw new StoreWriter.StoreUnavailableException("rotating the data key failed: "
                        + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new StoreWriter.StoreUnavailableException("the cluster store did not take the data key "
                        + "rotation within " + StoreWriter.TIMEOUT_DEFAULT.toSeconds() + " s (no quorum?)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreWriter.StoreUnavailableException("interrupted while rotating the data key", e);
            }
        }
        throw last;
    }

    /**
     * Waits for a leader and for this replica to have applied everything committed before now, so
     * callers see the whole state (after a restart the log is replayed first).
     *
     * @throws IOException when that did not happen within {@code timeout} (no quorum yet?)
     */
    public void awaitCaughtUp(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                raft.awaitLeader(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                // An empty batch commits in the current term; once it is applied here, so is all history.
                writer.submit(new StoreBatch(List.of()));
                return;
            } catch (Proposer.NotLeaderException e) {
                // An election under way between seeing a leader and proposing: wait for its outcome.
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("the cluster store did not come up: " + e.getMessage(), e);
                }
                sleepBriefly();
            } catch (RuntimeException e) {
                throw new IOException("the cluster store did not come up: " + e.getMessage(), e);
            }
        }
    }

    private static void sleepBriefly() throws IOException {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the cluster store", e);
        }
    }

    /**
     * Starts the control loops; they act only while this replica is the leader.
     *
     * @param keyRotation how often each encrypted network's key is replaced
     */
    public void startLoops(Clock clock, Duration keyRotation) {
        for (Reconciler r : List.of(new ReplicatedOrchestrator(), new TaskReaper(TaskReaper.HISTORY_LIMIT_DEFAULT),
                new Scheduler(), new GlobalOrchestrator(), new DownNodeReconciler(),
                NetworkKeyRotation.every(keyRotation))) {
            loops.add(new ReconcileLoop(r, store, writer, raft::isLeader, clock, ReconcileLoop.TICK_DEFAULT).start());
        }
    }

    public ClusterStore store() {
        return store;
    }

    public StoreWriter writer() {
        return writer;
    }

    public ClusterApi api() {
        return api;
    }

    public NetworkApi networks() {
        return networks;
    }

    public boolean isLeader() {
        return raft.isLeader();
    }

    public Optional<String> leaderId() {
        return raft.leaderId();
    }

    /** This replica's node id. */
    public Optional<String> selfId() {
        return Optional.of(selfId);
    }

    /** The Raft voters now. */
    public List<RaftConfiguration.Peer> raftMembers() {
        return raft.peers();
    }

    public void addRaftMember(RaftConfiguration.Peer peer) throws IOException {
        raft.addPeer(peer);
    }

    public void removeRaftMember(String nodeId) throws IOException {
        raft.removePeer(nodeId);
    }

    /**
     * True while this replica runs and its configuration lists it as a voter. A replica Ratis shut
     * down (taken out by the leader) keeps its last configuration, which must not be acted on.
     */
    public boolean isRaftVoter() {
        return raft.isRunning() && raft.peers().stream().anyMatch(p -> p.id().equals(selfId));
    }

    /** See {@link RaftReplica#timings()}. */
    public RaftTimings raftTimings() {
        return raft.timings();
    }

    /** See {@link RaftReplica#lastContactMillis()}. */
    public java.util.Map<String, Long> raftLastContactMillis() {
        return raft.lastContactMillis();
    }

    @Override
    public void close() {
        loops.forEach(ReconcileLoop::close);
        loops.clear();
        // Bounded: a replica just taken out of the group must not hold up a demotion or shutdown.
        Thread closing = new Thread(() -> {
            try {
                raft.close();
            } catch (Exception e) {
                LOG.warn("closing the raft replica: {}", e.getMessage());
            }
        }, "raft-close");
        closing.setDaemon(true);
        closing.start();
        try {
            closing.join(RAFT_CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closing.isAlive()) {
            LOG.warn("the raft replica did not close within {}; going on without it", RAFT_CLOSE_TIMEOUT);
        }
    }
}
