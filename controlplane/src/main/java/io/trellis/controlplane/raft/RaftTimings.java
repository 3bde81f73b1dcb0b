package io.trellis.controlplane.raft;

import java.time.Duration;

/**
 * The timings a running {@link RaftReplica} uses, as its Ratis server holds them: what {@code trellis info} shows,
 * so a manager started with other flags than its peers can be told apart.
 *
 * @param electionTimeout    the shortest wait for the leader before a follower stands for election
 * @param electionTimeoutMax the longest; each wait is picked at random between the two
 * @param heartbeatInterval  how often the leader sends to an idle follower: half the shortest election timeout
 * @param requestTimeout     how long a proposal may wait to commit
 */
public record RaftTimings(Duration electionTimeout, Duration electionTimeoutMax, Duration heartbeatInterval,
                          Duration requestTimeout) {
}
