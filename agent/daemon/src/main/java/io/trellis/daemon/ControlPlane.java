package io.trellis.daemon;

import io.micrometer.core.instrument.MeterRegistry;
import io.trellis.controlplane.api.ClusterApi;
import io.trellis.controlplane.api.NetworkApi;
import io.trellis.controlplane.atrest.EncryptedLog;
import io.trellis.controlplane.keys.NetworkKeyRotation;
import io.trellis.controlplane.orchestrator.DownNodeReconciler;
import io.trellis.controlplane.orchestrator.GlobalOrchestrator;
import io.trellis.controlplane.orchestrator.ReplicatedOrchestrator;
import io.trellis.controlplane.orchestrator.TaskReaper;
import io.trellis.controlplane.raft.RaftConfiguration;
import io.trellis.controlplane.raft.RaftReplica;
import io.trellis.controlplane.reconcile.ReconcileLoop;
import io.trellis.controlplane.reconcile.Reconciler;
import io.trellis.controlplane.scheduler.Scheduler;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.Proposer;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A manager's share of the agent: the Raft replica with the cluster store on top, the APIs, and the
 * control loops (replicated and global orchestrators, task reaper, scheduler, down-node reconciler)
 * which act only while this replica leads.
 */
public final class ControlPlane implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ControlPlane.class);
    private static final Duration RAFT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final ClusterStore store;
    private final RaftReplica raft;
    private final StoreWriter writer;
    private final ClusterApi api;
    private final NetworkApi networks;
    private final List<ReconcileLoop> loops = new ArrayList<>();
    private final String selfId;

    private ControlPlane(String selfId, ClusterStore store, RaftReplica raft, EncryptedLog log, Clock clock) {
        this.selfId = selfId;
        this.store = store;
        this.raft = raft;
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
        ClusterStore store = new ClusterStore();
        // Entries are sealed before Raft sees them: the log and snapshots on disk hold only ciphertext.
        EncryptedLog log = new EncryptedLog(dataKey);
        RaftConfiguration cfg = RaftConfiguration.builder(id.nodeId(), id.raftAddress(), raftDir)
                .clusterId(id.clusterId())
                .tls(tls)
                .joining(joining)
                .build();
        RaftReplica raft = RaftReplica.start(cfg, log.opening(store), metrics);
        return new ControlPlane(id.nodeId(), store, raft, log, clock);
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
