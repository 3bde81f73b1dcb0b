package io.trellis.controlplane.raft;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.util.UUID;

/**
 * Everything a {@link RaftReplica} needs to join its group, immutable. Every default is an
 * {@code X_DEFAULT} constant in this file. The agent sets the peer's address from its flags
 * ({@code --advertise-addr}, {@code --raft-port}) and the timeouts from {@code --raft-election-timeout} and
 * {@code --raft-request-timeout} ({@link RaftTimeouts}), and uses these defaults for the rest; there are no
 * {@code X_PROP} system properties, so a test or benchmark changes a value through the builder.
 */
public final class RaftConfiguration {

    /** Entries applied since the last snapshot before Ratis takes a new one (and may purge the log). */
    public static final long SNAPSHOT_THRESHOLD_DEFAULT = 10_000;
    /** Snapshot files kept; more than one so a new snapshot does not delete the one a follower may be downloading. */
    public static final int SNAPSHOTS_RETAINED_DEFAULT = 2;
    /** Closed log segments are the unit of purging: smaller than Ratis's 32 MB so disk is reclaimed sooner. */
    public static final long LOG_SEGMENT_SIZE_DEFAULT = 8L << 20;
    /**
     * Above Ratis's 150/300 ms so a GC pause or a busy 2-core host does not start elections, yet a
     * single peer still elects itself in well under a second. Heartbeats go out every min/2.
     */
    public static final Duration ELECTION_TIMEOUT_MIN_DEFAULT = Duration.ofMillis(400);
    public static final Duration ELECTION_TIMEOUT_MAX_DEFAULT = Duration.ofMillis(800);
    /** How long a proposal may wait to commit before it fails (e.g. the leader lost its majority). */
    public static final Duration REQUEST_TIMEOUT_DEFAULT = Duration.ofSeconds(3);
    /** Proposals in flight per replica; {@link RaftReplica#propose} blocks beyond this (back-pressure). */
    public static final int PROPOSALS_IN_FLIGHT_MAX_DEFAULT = 1024;

    /** One member of the group: its Raft peer id and the host:port of its Ratis RPC endpoint. */
    public record Peer(String id, String address) {
        public Peer {
            requireText(id, "peer id");
            parsePort(address, "address of peer " + id);
        }
    }

    private final Path storageDir;
    private final Peer self;
    private final List<Peer> peers;
    private final UUID groupId;
    private final long snapshotThreshold;
    private final int snapshotsRetained;
    private final long logSegmentSize;
    private final Duration electionTimeoutMin;
    private final Duration electionTimeoutMax;
    private final Duration requestTimeout;
    private final int proposalsInFlightMax;
    private final Tls tls;
    private final boolean joining;

    /**
     * Mutual TLS between peers (and for the clients that propose or change membership): this node's
     * key and certificate, and the trust manager that decides which peers are acceptable.
     */
    public record Tls(KeyManager keyManager, X509ExtendedTrustManager trustManager) {
        public Tls {
            requireSet(keyManager, "TLS needs a key manager.");
            requireSet(trustManager, "TLS needs a trust manager.");
        }
    }

    private RaftConfiguration(Builder b) {
        this.storageDir = requireSet(b.storageDir, "storageDir must be set.");
        this.self = new Peer(b.peerId, b.address);
        this.peers = b.peers == null ? List.of(self) : List.copyOf(b.peers);
        this.groupId = requireSet(b.groupId, "groupId must be set, directly or from a clusterId.");
        this.snapshotThreshold = requirePositive(b.snapshotThreshold, "snapshotThreshold");
        this.snapshotsRetained = (int) requirePositive(b.snapshotsRetained, "snapshotsRetained");
        this.logSegmentSize = requirePositive(b.logSegmentSize, "logSegmentSize");
        this.electionTimeoutMin = requirePositive(b.electionTimeoutMin, "electionTimeoutMin");
        this.electionTimeoutMax = requirePositive(b.electionTimeoutMax, "electionTimeoutMax");
        this.requestTimeout = requirePositive(b.requestTimeout, "requestTimeout");
        this.proposalsInFlightMax = (int) requirePositive(b.proposalsInFlightMax, "proposalsInFlightMax");
        this.tls = b.tls;
        this.joining = b.joining;
        if (electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
            throw new IllegalArgumentException("electionTimeoutMax (" + electionTimeoutMax
                    + ") must be greater than electionTimeoutMin (" + electionTimeoutMin + ").");
        }
        if (!peers.contains(self)) {
            throw new IllegalArgumentException("peers must contain this peer " + self + " with the same address.");
        }
        if (peers.stream().map(Peer::id).distinct().count() != peers.size()) {
            throw new IllegalArgumentException("peers must have distinct ids: " + peers + ".");
        }
    }

    /** Starts a configuration for peer {@code peerId} serving Ratis RPC on {@code address} (host:port). */
    public static Builder builder(String peerId, String address, Path storageDir) {
        return new Builder(peerId, address, storageDir);
    }

    /** The Raft group id of a cluster: the same on every node, derived from the cluster id alone. */
    public static UUID groupIdOf(String clusterId) {
        requireText(clusterId, "clusterId");
        return UUID.nameUUIDFromBytes(("trellis-raft-group:" + clusterId).getBytes(StandardCharsets.UTF_8));
    }

    /** Directory holding one sub-directory per group (named by its UUID) with log, metadata and snapshots. */
    public Path storageDir() {
        return storageDir;
    }

    public Peer self() {
        return self;
    }

    public List<Peer> peers() {
        return peers;
    }

    public UUID groupId() {
        return groupId;
    }

    public long snapshotThreshold() {
        return snapshotThreshold;
    }

    public int snapshotsRetained() {
        return snapshotsRetained;
    }

    public long logSegmentSize() {
        return logSegmentSize;
    }

    public Duration electionTimeoutMin() {
        return electionTimeoutMin;
    }

    public Duration electionTimeoutMax() {
        return electionTimeoutMax;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Mutual TLS settings, or empty for plaintext (tests on loopback only). */
    public Optional<Tls> tls() {
        return Optional.ofNullable(tls);
    }

    /**
     * True for a peer that joins an existing group: it starts with no configuration of its own and
     * waits for the leader to add it, instead of electing itself in a group nobody else knows.
     */
    public boolean joining() {
        return joining;
    }

    public int proposalsInFlightMax() {
        return proposalsInFlightMax;
    }

    @Override
    public String toString() {
        return "RaftConfiguration{self=" + self + ", peers=" + peers + ", group=" + groupId
                + ", storage=" + storageDir + "}";
    }

    /** Port of a host:port address; the host may be a name, an IPv4 or a bracketed IPv6 literal. */
    static int parsePort(String address, String field) {
        requireText(address, field);
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException(field + " must be host:port, got \"" + address + "\".");
        }
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the allowed range
        }
        throw new IllegalArgumentException(field + " must end in a port 1-65535, got \"" + address + "\".");
    }

    /** Host part of a host:port address, without IPv6 brackets. */
    static String parseHost(String address) {
        String host = address.substring(0, address.lastIndexOf(':'));
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static <T> T requireSet(T value, String message) {
        if (value == null) {
            throw new IllegalArgumentException(message);
        }
        return value;
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string.");
        }
    }

    private static long requirePositive(long value, String field) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + value + ".");
        }
        return value;
    }

    private static Duration requirePositive(Duration value, String field) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be a positive duration, got " + value + ".");
        }
        return value;
    }

    /** Mutable builder; {@link #build()} validates and freezes. */
    public static final class Builder {
        private final String peerId;
        private final String address;
        private final Path storageDir;
        private List<Peer> peers;
        private UUID groupId;
        private long snapshotThreshold = SNAPSHOT_THRESHOLD_DEFAULT;
        private long snapshotsRetained = SNAPSHOTS_RETAINED_DEFAULT;
        private long logSegmentSize = LOG_SEGMENT_SIZE_DEFAULT;
        private Duration electionTimeoutMin = ELECTION_TIMEOUT_MIN_DEFAULT;
        private Duration electionTimeoutMax = ELECTION_TIMEOUT_MAX_DEFAULT;
        private Duration requestTimeout = REQUEST_TIMEOUT_DEFAULT;
        private long proposalsInFlightMax = PROPOSALS_IN_FLIGHT_MAX_DEFAULT;
        private Tls tls;
        private boolean joining;

        private Builder(String peerId, String address, Path storageDir) {
            this.peerId = peerId;
            this.address = address;
            this.storageDir = storageDir;
        }

        /** All members including this one; defaults to this peer alone. */
        public Builder peers(List<Peer> peers) {
            this.peers = List.copyOf(peers);
            return this;
        }

        /** Sets the group id to {@link #groupIdOf(String) groupIdOf(clusterId)}. */
        public Builder clusterId(String clusterId) {
            this.groupId = groupIdOf(clusterId);
            return this;
        }

        public Builder groupId(UUID groupId) {
            this.groupId = groupId;
            return this;
        }

        public Builder snapshotThreshold(long entries) {
            this.snapshotThreshold = entries;
            return this;
        }

        public Builder snapshotsRetained(int count) {
            this.snapshotsRetained = count;
            return this;
        }

        public Builder logSegmentSize(long bytes) {
            this.logSegmentSize = bytes;
            return this;
        }

        public Builder electionTimeout(Duration min, Duration max) {
            this.electionTimeoutMin = min;
            this.electionTimeoutMax = max;
            return this;
        }

        /** The election and request timeouts an operator gave ({@code trellis agent --raft-*-timeout}). */
        public Builder timeouts(RaftTimeouts timeouts) {
            return electionTimeout(timeouts.election(), timeouts.electionMax()).requestTimeout(timeouts.request());
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder proposalsInFlightMax(int max) {
            this.proposalsInFlightMax = max;
            return this;
        }

        public Builder tls(Tls tls) {
            this.tls = tls;
            return this;
        }

        /** See {@link RaftConfiguration#joining()}. */
        public Builder joining(boolean joining) {
            this.joining = joining;
            return this;
        }

        public RaftConfiguration build() {
            return new RaftConfiguration(this);
        }
    }
}
