package io.trellis.controlplane.raft;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.ExitUtils;
import org.apache.ratis.util.TimeDuration;
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
import org.apache.ratis.server.DivisionProperties;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
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
    private static final java.time.Duration MEMBERSHIP_CHANGE_TIMEOUT = java.time.Duration.ofSeconds(20);

    private final RaftConfiguration config;
    private final RaftServer server;
    private final RaftServer.Division division;
    private final ProposalClient proposals;
    /** Forwards proposals made on a follower to the leader it knows. */
    private final ProposalClient forwarded;
    private volatile RaftPeerId forwardingTo;
    private volatile long forwardingTerm;
    private final RaftMetrics metrics;
    private final AtomicBoolean closed = new AtomicBoolean();

    static {
        // Ratis ends the JVM (System.exit) when its gRPC server cannot start, and from the default
        // uncaught-exception handler it installs. In an agent that would happen inside an admin
        // request, whose shutdown hook then waits on that request forever. Disabled, Ratis logs and
        // throws instead, and the caller turns it into an error for the user.
        ExitUtils.disableSystemExit();
    }

    private RaftReplica(RaftConfiguration config, RaftServer server, RaftServer.Division division,
                        ProposalClient proposals, RaftMetrics metrics) {
        this.config = config;
        this.server = server;
        this.division = division;
        this.proposals = proposals;
        this.metrics = metrics;
        this.forwarded = ProposalClient.toLeader(config, this::currentGroup, () -> forwardingTo);
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
                    .setGroup(RatisSettings.startingGroup(config))
                    .setProperties(RatisSettings.properties(config))
                    .setParameters(RatisSettings.parameters(config))
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
     * Proposes one entry; completes with the apply reply. On the leader it goes straight into the
     * log; on a follower it is forwarded to the leader this peer knows (over the same mutual TLS as
     * replication), so any manager accepts writes. Fails with {@link Proposer.NotLeaderException}
     * while no leader is known or the known one has just stepped down. Proposals from one thread
     * are applied in call order, so callers may pipeline; the call blocks only while
     * {@link RaftConfiguration#proposalsInFlightMax()} are outstanding. Dependent stages may run on
     * Ratis threads: do not block in them.
     */
    @Override
    public CompletableFuture<byte[]> propose(byte[] entry) {
        DivisionInfo info = division.getInfo();
        CompletableFuture<byte[]> result;
        RaftPeerId leader = info.getLeaderId();
        if (info.isLeader() && info.isLeaderReady()) {
            result = proposals.propose(entry).thenApply(ProposalClient.Applied::reply);
        } else if (leader != null && !info.isLeader()) {
            long term = info.getCurrentTerm();
            // A new term means a new leadership, even by the same peer after a restart, whose old
            // stream our client may still hold: start a fresh client rather than fail one write.
            if (!leader.equals(forwardingTo) || term != forwardingTerm) {
                forwardingTo = leader;
                forwardingTerm = term;
                forwarded.reset();
            }
            // The leader answered once it applied the entry; wait until it is applied here too, so
            // a caller reading this replica right after the write sees it (read-your-writes).
            result = forwarded.propose(entry).thenCompose(a -> appliedHere(a.logIndex()).thenApply(i -> a.reply()));
        } else {
            // Checked here, not left to Ratis: a NotLeader answer costs a round trip and the client.
            result = CompletableFuture.failedFuture(
                    ProposalClient.notLeader(config.self().id(), leaderId().orElse(null)));
        }
        return result.whenComplete((reply, error) -> metrics.proposalCompleted(error == null));
    }

    private CompletableFuture<Long> appliedHere(long index) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        long deadline = System.nanoTime() + config.requestTimeout().toNanos();
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            if (appliedIndex() >= index) {
                done.complete(index);
            } else if (System.nanoTime() - deadline > 0) {
                done.completeExceptionally(new IOException("entry " + index + " was committed but this manager has "
                        + "not applied it within " + config.requestTimeout() + " (" + progress() + ")"));
            } else {
                CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS).execute(poll[0]);
            }
        };
        poll[0].run();
        return done;
    }

    /**
     * Where this replica stands, for a write it did not apply in time: a commit index short of the
     * entry means the leader's entries are not reaching its log; a commit index past it means its
     * apply is stuck; a state other than RUNNING means Ratis stopped it.
     */
    private String progress() {
        DivisionInfo info = division.getInfo();
        String log;
        try {
            log = "commit index " + commitIndex() + ", log ends at " + lastLogIndex();
        } catch (IllegalStateException closed) { // Ratis closed the log with the division
            log = "log closed";
        }
        return log + ", applied " + appliedIndex() + ", leader " + info.getLeaderId() + " in term "
                + info.getCurrentTerm() + ", Ratis " + info.getLifeCycleState();
    }

    /** The group as this peer knows it now (the committed or in-progress configuration). */
    private RaftGroup currentGroup() {
        return RaftGroup.valueOf(division.getMemberId().getGroupId(), division.getRaftConf().getCurrentPeers());
    }

    /**
     * The timings this peer's Ratis server was built with, read back from the server rather than from the
     * {@link RaftConfiguration}: what actually runs. The heartbeat interval is derived as Ratis's log appender
     * derives it (half the shortest election timeout, in whole milliseconds).
     */
    public RaftTimings timings() {
        DivisionProperties p = division.properties();
        long requestMillis = RaftClientConfigKeys.Rpc.requestTimeout(server.getProperties())
                .toLong(TimeUnit.MILLISECONDS);
        return new RaftTimings(Duration.ofMillis(p.minRpcTimeoutMs()), Duration.ofMillis(p.maxRpcTimeoutMs()),
                Duration.ofMillis(p.minRpcTimeoutMs() / 2), Duration.ofMillis(requestMillis));
    }

    /** The voting members of the current configuration. */
    public List<RaftConfiguration.Peer> peers() {
        return division.getRaftConf().getCurrentPeers().stream()
                .map(p -> new RaftConfiguration.Peer(p.getId().toString(), p.getAddress()))
                .sorted(java.util.Comparator.comparing(RaftConfiguration.Peer::id))
                .toList();
    }

    /**
     * Adds a voting member (Raft joint consensus through the leader). The new peer must already run,
     * started with {@link RaftConfiguration#joining()}; the leader first brings its log up to date.
     */
    public void addPeer(RaftConfiguration.Peer peer) throws IOException {
        List<RaftConfiguration.Peer> next = new java.util.ArrayList<>(peers());
        next.removeIf(p -> p.id().equals(peer.id()));
        next.add(peer);
        changeMembers(next);
    }

    /** Removes a voting member; the caller checks that a quorum remains. */
    public void removePeer(String peerId) throws IOException {
        List<RaftConfiguration.Peer> next = new java.util.ArrayList<>(peers());
        if (!next.removeIf(p -> p.id().equals(peerId))) {
            return;
        }
        changeMembers(next);
    }

    private void changeMembers(List<RaftConfiguration.Peer> members) throws IOException {
        RaftPeerId leader = division.getInfo().getLeaderId();
        if (leader == null) {
            throw new IOException("no Raft leader is known, so the manager set cannot change now; retry when the "
                    + "cluster has a leader");
        }
        // A new member must catch up before the change commits (Ratis stages it first), which can
        // take longer than an ordinary request: give each attempt time instead of piling up retries
        // that only meet "reconfiguration in progress".
        org.apache.ratis.conf.RaftProperties properties = RatisSettings.properties(config);
        org.apache.ratis.client.RaftClientConfigKeys.Rpc.setRequestTimeout(properties,
                TimeDuration.valueOf(MEMBERSHIP_CHANGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        try (RaftClient admin = RaftClient.newBuilder()
                .setRaftGroup(currentGroup())
                .setLeaderId(leader)
                .setProperties(properties)
                .setParameters(RatisSettings.parameters(config))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(1,
                        TimeDuration.valueOf(1, TimeUnit.SECONDS)))
                .build()) {
            RaftClientReply reply = admin.admin().setConfiguration(RatisSettings.peers(members));
            if (!reply.isSuccess()) {
                throw new IOException("changing the Raft members failed: " + reply.getException());
            }
        }
    }

    /**
     * Milliseconds since this peer last heard from each other member: the leader knows it for every
     * follower, a follower only for the leader. Members it has no figure for are absent.
     */
    public java.util.Map<String, Long> lastContactMillis() {
        RoleInfoProto role = division.getInfo().getRoleInfoProto();
        java.util.Map<String, Long> result = new java.util.HashMap<>();
        if (role.hasLeaderInfo()) {
            for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
                result.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs());
            }
        } else if (role.hasFollowerInfo() && role.getFollowerInfo().hasLeaderInfo()) {
            ServerRpcProto l = role.getFollowerInfo().getLeaderInfo();
            result.put(l.getId().getId().toStringUtf8(), l.getLastRpcElapsedTimeMs());
        }
        return result;
    }

    /**
     * True while this peer leads. A leader removed from the group (a demotion issued through another
     * member) is shut down by Ratis once the new configuration commits, but its role stays LEADER:
     * a peer that is no longer running leads nothing, or its dispatcher would go on answering from
     * a store that no longer changes.
     */
    public boolean isLeader() {
        DivisionInfo info = division.getInfo();
        return info.isAlive() && info.isLeader();
    }

    /** False once Ratis shut this peer down (it was taken out of the group) or it was closed. */
    public boolean isRunning() {
        return division.getInfo().isAlive();
    }

    /**
     * The leader this peer currently knows of (itself when leading), if any; none once Ratis shut
     * this peer down, since the name it kept (often its own) is stale.
     */
    public Optional<String> leaderId() {
        DivisionInfo info = division.getInfo();
        return info.isAlive() ? Optional.ofNullable(info.getLeaderId()).map(RaftPeerId::toString) : Optional.empty();
    }

    public long term() {
        return division.getInfo().getCurrentTerm();
    }

    /** Highest log index this peer knows to be committed. */
    public long commitIndex() {
        return division.getRaftLog().getLastCommittedIndex();
    }

    /** Highest index in this peer's log, committed or not (tests strand uncommitted entries with it). */
    long lastLogIndex() {
        TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        return last == null ? RaftLog.INVALID_LOG_INDEX : last.getIndex();
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
        forwarded.close();
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
