package io.trellis.controlplane.raft;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import io.trellis.controlplane.store.Proposer;
import io.trellis.controlplane.store.ReplicatedState;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.rpc.CallId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage.StartupOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the Raft group: a Ratis server (Netty RPC, log and snapshots under
 * {@link RaftConfiguration#storageDir()}) applying entries to a {@link ReplicatedState}, and the
 * {@link Proposer} that writes through it. Only the leader accepts proposals; the others fail fast
 * with {@link Proposer.NotLeaderException} naming the leader, and callers forward.
 */
public final class RaftReplica implements Proposer, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RaftReplica.class);
    private static final long AWAIT_POLL_MILLIS = 10;

    private final RaftConfiguration config;
    private final RaftServer server;
    private final RaftServer.Division division;
    private final ProposalClient proposals;
    private final RaftMetrics metrics;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RaftReplica(RaftConfiguration config, RaftServer server, RaftServer.Division division,
                        ProposalClient proposals, RaftMetrics metrics) {
        this.config = config;
        this.server = server;
        this.division = division;
        this.proposals = proposals;
        this.metrics = metrics;
    }

    /**
     * Starts this peer: recovers the group from {@code storageDir} (latest snapshot, then the log
     * after it) or formats it on first start, then joins the group. Returns without waiting for an
     * election; see {@link #awaitLeader}.
     */
    public static RaftReplica start(RaftConfiguration config, ReplicatedState state, MeterRegistry registry)
            throws IOException {
        Files.createDirectories(config.storageDir());
        StartupOption option = startupOption(config);
        RaftGroup group = RatisSettings.group(config);
        RaftMetrics metrics = new RaftMetrics(registry);
        RaftServer server = null;
        try {
            server = RaftServer.newBuilder()
                    .setServerId(RaftPeerId.valueOf(config.self().id()))
                    .setGroup(group)
                    .setProperties(RatisSettings.properties(config))
                    .setStateMachine(new StoreStateMachine(state, metrics.applyLatency()))
                    .setOption(option)
                    .build();
            server.start();
            RaftReplica replica = new RaftReplica(config, server, server.getDivision(group.getGroupId()),
                    ProposalClient.forSelf(config), metrics);
            metrics.bind(replica);
            LOG.info("Raft peer {} started on {} ({})", config.self().id(), config.self().address(), option);
            return replica;
        } catch (IOException | RuntimeException e) {
            metrics.close();
            if (server != null) {
                try {
                    server.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /**
     * Ratis keeps a group in {@code <storageDir>/<group UUID>/} ({@code current/}: log segments and
     * {@code raft-meta} with term and vote; {@code sm/}: snapshots). That directory existing is what
     * "this peer was here before" means: RECOVER reopens it, loads the latest snapshot and replays
     * the log after it, which is also the path after kill -9. FORMAT is only for a missing directory:
     * Ratis refuses to FORMAT over an existing one ("One or more existing directories found").
     */
    static StartupOption startupOption(RaftConfiguration config) {
        boolean known = Files.isDirectory(config.storageDir().resolve(config.groupId().toString()));
        return known ? StartupOption.RECOVER : StartupOption.FORMAT;
    }

    /**
     * Proposes one entry; completes with the apply reply from this peer. Fails fast with
     * {@link Proposer.NotLeaderException} unless this peer is a leader ready to accept writes.
     * Proposals from one thread are applied in call order, so callers may pipeline; the call blocks
     * only while {@link RaftConfiguration#proposalsInFlightMax()} are outstanding. Dependent stages
     * may run on Ratis threads: do not block in them.
     */
    @Override
    public CompletableFuture<byte[]> propose(byte[] entry) {
        DivisionInfo info = division.getInfo();
        CompletableFuture<byte[]> result;
        if (!info.isLeader() || !info.isLeaderReady()) {
            // Checked here, not left to Ratis: a NotLeader answer costs a round trip and the client.
            result = CompletableFuture.failedFuture(
                    ProposalClient.notLeader(config.self().id(), leaderId().orElse(null)));
        } else {
            result = proposals.propose(entry);
        }
        return result.whenComplete((reply, error) -> metrics.proposalCompleted(error == null));
    }

    public boolean isLeader() {
        return division.getInfo().isLeader();
    }

    /** The leader this peer currently knows of (itself when leading), if any. */
    public Optional<String> leaderId() {
        return Optional.ofNullable(division.getInfo().getLeaderId()).map(RaftPeerId::toString);
    }

    public long term() {
        return division.getInfo().getCurrentTerm();
    }

    /** Highest log index this peer knows to be committed. */
    public long commitIndex() {
        return division.getRaftLog().getLastCommittedIndex();
    }

    /**
     * Highest log index applied here. Counts Raft's own configuration entries too, so it can be
     * ahead of {@link ReplicatedState#appliedIndex()}.
     */
    public long appliedIndex() {
        return division.getInfo().getLastAppliedIndex();
    }

    RaftPeerRole role() {
        return division.getInfo().getCurrentRole();
    }

    /**
     * Blocks until a leader is known; when that is this peer, until it accepts proposals (a new
     * leader first commits an entry of its own term). Meant for start-up, hence unchecked.
     *
     * @throws IllegalStateException when no leader emerges within {@code timeout}, or when
     *     interrupted (the interrupt flag is kept)
     */
    public void awaitLeader(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!leaderKnown()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("No Raft leader elected within " + timeout + " among "
                        + config.peers() + "; check that a majority of peers is running and reachable.");
            }
            try {
                Thread.sleep(AWAIT_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for a Raft leader.", e);
            }
        }
    }

    /**
     * Snapshots the state now, whatever the threshold, and returns the snapshot's log index. Goes
     * through Ratis so the snapshot is taken on the apply thread and the log is purged after it.
     */
    public long takeSnapshot() throws IOException {
        RaftGroupId groupId = division.getMemberId().getGroupId();
        long timeoutMs = config.requestTimeout().toMillis();
        // Creation gap 1: otherwise Ratis skips the request when fewer than 1024 entries are new.
        RaftClientReply reply = server.snapshotManagement(SnapshotManagementRequest.newCreate(
                ClientId.randomId(), division.getId(), groupId, CallId.getAndIncrement(), timeoutMs, 1));
        if (!reply.isSuccess()) {
            throw new IOException("Snapshot on Raft peer " + config.self().id() + " failed: "
                    + reply.getException(), reply.getException());
        }
        return reply.getLogIndex();
    }

    /** Stops proposing, unregisters the meters and shuts the Ratis server down; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        metrics.close();
        proposals.close();
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("Closing Raft peer {} failed", config.self().id(), e);
        }
    }

    private boolean leaderKnown() {
        DivisionInfo info = division.getInfo();
        return info.isLeader() ? info.isLeaderReady() : info.getLeaderId() != null;
    }
}
