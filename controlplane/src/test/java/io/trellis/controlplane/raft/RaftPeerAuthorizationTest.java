package io.trellis.controlplane.raft;

import static io.trellis.controlplane.raft.AppendLog.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trellis.controlplane.pki.PeerAuthorization;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Raft port authorises peers against the current membership, not only their certificate: a
 * valid manager certificate of this cluster for a node that is not a member (never admitted, or
 * removed, or demoted) cannot get an entry into the log.
 */
class RaftPeerAuthorizationTest {
    @TempDir
    Path dir;

    private final TestPki pki = new TestPki("authz");
    /** The members the replica's port lets in; the test changes it to show the same client served. */
    private final AtomicReference<Set<String>> members = new AtomicReference<>(Set.of("n1"));
    private final AppendLog state = new AppendLog();
    private RaftReplica replica;
    private RaftConfiguration.Peer self;

    @BeforeEach
    void startReplica() throws Exception {
        self = new RaftConfiguration.Peer("n1", "127.0.0.1:" + RaftReplicaTest.freePort());
        PeerAuthorization authorization = peer -> members.get().contains(peer.nodeId())
                ? null : "node " + peer.nodeId() + " is not a manager of the swarm";
        RaftConfiguration config = RaftConfiguration.builder(self.id(), self.address(), dir.resolve("n1"))
                .clusterId("authz")
                .electionTimeout(RaftReplicaTest.ELECTION_MIN, RaftReplicaTest.ELECTION_MAX)
                .tls(pki.managerTls("n1", authorization))
                .build();
        replica = RaftReplica.start(config, state, new SimpleMeterRegistry());
        replica.awaitLeader(RaftReplicaTest.LEADER_TIMEOUT);
        replica.propose(bytes("by-member")).get();
    }

    @AfterEach
    void close() {
        replica.close();
    }

    @Test
    void aManagerCertificateOfANonMemberCannotAppend() throws Exception {
        try (RaftClient stranger = clientOf("n9")) {
            assertThatThrownBy(() -> stranger.io().send(Message.valueOf("by-stranger")))
                    .as("the handshake is refused, so the request never reaches the log");
        }
        assertThat(state.entries()).containsExactly("by-member");
    }

    @Test
    void theSameClientIsServedOnceItsNodeIsAMember() throws Exception {
        members.set(Set.of("n1", "n9"));
        try (RaftClient n9 = clientOf("n9")) {
            assertThat(n9.io().send(Message.valueOf("by-n9")).isSuccess()).isTrue();
        }
        assertThat(state.entries()).containsExactly("by-member", "by-n9");
    }

    /** A Ratis client with a valid manager certificate for {@code nodeId}, aimed at the replica's group. */
    private RaftClient clientOf(String nodeId) throws Exception {
        RaftConfiguration config = RaftConfiguration.builder(nodeId, "127.0.0.1:" + RaftReplicaTest.freePort(),
                        dir.resolve(nodeId))
                .clusterId("authz")
                .tls(pki.managerTls(nodeId))
                .build();
        RaftProperties properties = RatisSettings.properties(config);
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(3, java.util.concurrent.TimeUnit.SECONDS));
        // One attempt: a refused handshake is the answer, not something to retry for minutes.
        return RaftClient.newBuilder()
                .setRaftGroup(org.apache.ratis.protocol.RaftGroup.valueOf(
                        org.apache.ratis.protocol.RaftGroupId.valueOf(config.groupId()),
                        RatisSettings.peers(List.of(self))))
                .setProperties(properties)
                .setParameters(RatisSettings.parameters(config))
                .setRetryPolicy(org.apache.ratis.retry.RetryPolicies.noRetry())
                .build();
    }
}
