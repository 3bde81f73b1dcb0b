package io.trellis.daemon;

import io.micrometer.core.instrument.MeterRegistry;
import io.trellis.controlplane.atrest.KeyRing;
import io.trellis.controlplane.membership.CurrentManagers;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.raft.RaftConfiguration;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.daemon.cluster.ClusterClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a manager runs on top of the worker side: the Raft replica with the store and control loops
 * ({@link ControlPlane}) and the cluster port. {@link #node()} is visible as soon as the replica
 * starts, so the admin API can tell "no leader yet" while it waits for one.
 */
final class ManagerRole implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagerRole.class);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);
    /** How long a restarted manager waits for a leader between log lines (and checks for shutdown). */
    private static final Duration QUORUM_WAIT_SLICE = Duration.ofSeconds(5);

    private final AgentConfiguration cfg;
    private final NodeCredentials credentials;
    private final DataKeySealer dataKeys;
    private final MeterRegistry metrics;
    private final Clock clock;
    private volatile ControlPlane node;
    private ClusterPort port;

    ManagerRole(AgentConfiguration cfg, NodeCredentials credentials, DataKeySealer dataKeys, MeterRegistry metrics,
                Clock clock) {
        this.cfg = cfg;
        this.credentials = credentials;
        this.dataKeys = dataKeys;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The replica, once started; null before. */
    /** What the Raft port authorises peers against; empty until the replica has started. */
    private ClusterSnapshot storeView() {
        ControlPlane n = node;
        return n == null ? ClusterSnapshot.EMPTY : n.store().view();
    }

    private Set<String> raftVoters() {
        ControlPlane n = node;
        if (n == null) {
            return Set.of();
        }
        try {
            return n.raftMembers().stream().map(RaftConfiguration.Peer::id).collect(Collectors.toUnmodifiableSet());
        } catch (RuntimeException e) {
            return Set.of(); // a replica being closed: the store alone decides
        }
    }

    ControlPlane node() {
        return node;
    }

    /**
     * On {@code swarm init} ({@code first} creates the cluster), restart or unlock: starts the
     * replica, waits for a quorum, declares this manager's node record and starts the control loops.
     */
    void start(SwarmIdentity id, KeyRing dataKeys, boolean resumed, BooleanSupplier closing, StoreBatch... first)
            throws IOException {
        startReplica(id, dataKeys, false);
        awaitQuorum(resumed, closing);
        new SelfRegistration(cfg.hostname(), cfg.dataDir(), clock).declare(node, id,
                credentials.tls().certificate().getPublicKey(), first);
        node.startLoops(clock, cfg.networkKeyRotation());
    }

    /**
     * On {@code swarm join} as a manager, or a promotion: starts the replica, becomes a Raft voter
     * through {@code via} and catches up before the control loops start.
     */
    void join(SwarmIdentity id, KeyRing dataKeys, String via) throws IOException {
        startReplica(id, dataKeys, true);
        SwarmJoin.becomeVoter(ClusterClient.member(credentials.keys(), credentials.tls()), id, via);
        node.awaitCaughtUp(CATCH_UP_TIMEOUT);
        node.startLoops(clock, cfg.networkKeyRotation());
    }

    private void startReplica(SwarmIdentity id, KeyRing ring, boolean joining) throws IOException {
        ManagerPorts.requireFree(id); // a conflict is the user's to fix: one line, nothing started
        RaftConfiguration.Tls raftTls = new RaftConfiguration.Tls(credentials.keys(),
                ClusterTrust.managers(credentials.tls().ca(), id.clusterId(), new CurrentManagers(this::storeView, this::raftVoters)));
        ControlPlane m = ControlPlane.start(id, cfg.raftDir(), ring, raftTls, joining, metrics, clock, credentials,
                dataKeys, cfg.raftTimeouts());
        node = m;
        m.store().addListener(dataKeys.follower(m::dataKeys));
        port = ClusterPort.open(m, id, credentials, cfg.heartbeatPeriod(), metrics, clock);
    }

    /**
     * A new swarm has its one manager at once. A restarted manager may come up before the others:
     * it waits (answering "starting") for as long as it takes a quorum to return, like swarmkit.
     */
    private void awaitQuorum(boolean resumed, BooleanSupplier closing) throws IOException {
        while (true) {
            try {
                node.awaitCaughtUp(resumed ? QUORUM_WAIT_SLICE : CATCH_UP_TIMEOUT);
                return;
            } catch (IOException e) {
                if (!resumed || closing.getAsBoolean()) {
                    throw e;
                }
                LOG.warn("still waiting for a quorum of managers to elect a leader; keep them running ({})",
                        e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        if (port != null) {
            port.close();
            port = null;
        }
        ControlPlane m = node;
        if (m != null) {
            m.close();
        }
    }
}
