package io.trellis.controlplane.raft;

import java.time.Duration;

/**
 * The two Raft timings an operator may change for slow hosts or links, as etcd's {@code --election-timeout}:
 * the election timeout (a follower waits between {@code election} and twice that without a heartbeat before it
 * stands; the leader heartbeats every half of it) and how long a proposal may take to commit.
 *
 * @param election the shortest election timeout, 100 ms to 60 s
 * @param request  how long a proposal may wait to commit, 1 s to 10 min, and at least twice the longest election
 *                 timeout, so a proposal outlives the election that follows a leader's loss
 */
public record RaftTimeouts(Duration election, Duration request) {
    public static final RaftTimeouts DEFAULT = new RaftTimeouts(RaftConfiguration.ELECTION_TIMEOUT_MIN_DEFAULT,
            RaftConfiguration.REQUEST_TIMEOUT_DEFAULT);

    public RaftTimeouts {
        if (election == null || election.compareTo(Duration.ofMillis(100)) < 0
                || election.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("the Raft election timeout must be 100ms to 60s");
        }
        if (request == null || request.compareTo(Duration.ofSeconds(1)) < 0
                || request.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("the Raft request timeout must be 1s to 10m");
        }
        if (request.compareTo(election.multipliedBy(4)) < 0) {
            throw new IllegalArgumentException("the Raft request timeout (" + request.toMillis()
                    + " ms) must be at least 4 times the election timeout (" + election.toMillis() + " ms)");
        }
    }

    /** Ratis picks each election timeout at random between {@link #election} and this. */
    public Duration electionMax() {
        return election.multipliedBy(2);
    }
}
