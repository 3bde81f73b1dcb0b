package io.trellis.agent.daemon;

import io.micrometer.core.instrument.MeterRegistry;
import io.trellis.controlplane.api.ClusterApi;
import io.trellis.controlplane.atrest.EncryptedLog;
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
 * A manager's share of the agent: the Raft replica with the cluster store on top, the API, and the
 * control loops (replicated and global orchestrators, task reaper, scheduler, down-node reconciler)
 * which act only while this replica leads.
 */
public final class ManagerNode implements AutoCloseable {
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);

    private final ClusterStore store;
    private final RaftReplica raft;
    private final StoreWriter writer;
    private final ClusterApi api;
    private final List<ReconcileLoop> loops = new ArrayList<>();

    private ManagerNode(ClusterStore store, RaftReplica raft, EncryptedLog log, Clock clock) {
        this.store = store;
        this.raft = raft;
        this.writer = new StoreWriter(log.sealing(raft));
        this.api = new ClusterApi(store, writer, clock);
    }

    /**
     * Starts the replica and returns once this node has a leader and has applied everything already
     * committed, so callers see the whole state (important after a restart: the log is replayed).
     */
    public static ManagerNode start(SwarmIdentity id, Path raftDir, byte[] dataKey, MeterRegistry metrics, Clock clock)
            throws IOException {
        ClusterStore store = new ClusterStore();
        // Entries are sealed before Raft sees them: the log and snapshots on disk hold only ciphertext.
        EncryptedLog log = new EncryptedLog(dataKey);
        RaftConfiguration cfg = RaftConfiguration.builder(id.nodeId(), id.raftAddress(), raftDir)
                .clusterId(id.clusterId())
                .build();
        RaftReplica raft = RaftReplica.start(cfg, log.opening(store), metrics);
        ManagerNode node = new ManagerNode(store, raft, log, clock);
        try {
            raft.awaitLeader(CATCH_UP_TIMEOUT);
            // An empty batch commits in the current term; once it is applied, so is all history.
            node.writer.submit(new StoreBatch(List.of()));
        } catch (RuntimeException e) {
            node.close();
            throw new IOException("the cluster store did not come up: " + e.getMessage(), e);
        }
        return node;
    }

    /** Starts the control loops; they act only while this replica is the leader. */
    public void startLoops(Clock clock) {
        for (Reconciler r : List.of(new ReplicatedOrchestrator(), new TaskReaper(TaskReaper.HISTORY_LIMIT_DEFAULT),
                new Scheduler(), new GlobalOrchestrator(), new DownNodeReconciler())) {
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

    public boolean isLeader() {
        return raft.isLeader();
    }

    public Optional<String> leaderId() {
        return raft.leaderId();
    }

    @Override
    public void close() {
        loops.forEach(ReconcileLoop::close);
        loops.clear();
        try {
            raft.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(ManagerNode.class).warn("closing the raft replica: {}", e.getMessage());
        }
    }
}
