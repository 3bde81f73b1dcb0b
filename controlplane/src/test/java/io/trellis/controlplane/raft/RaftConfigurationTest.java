package io.trellis.controlplane.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.trellis.controlplane.raft.RaftConfiguration.Peer;
import org.junit.jupiter.api.Test;

class RaftConfigurationTest {

    private static final Path DIR = Path.of("/var/lib/trellis/raft");

    @Test
    void defaultsToASinglePeerGroupWithTheDocumentedDefaults() {
        RaftConfiguration config = RaftConfiguration.builder("n1", "10.0.0.1:7070", DIR).clusterId("c").build();

        assertThat(config.peers()).containsExactly(new Peer("n1", "10.0.0.1:7070"));
        assertThat(config.snapshotThreshold()).isEqualTo(RaftConfiguration.SNAPSHOT_THRESHOLD_DEFAULT);
        assertThat(config.snapshotsRetained()).isEqualTo(RaftConfiguration.SNAPSHOTS_RETAINED_DEFAULT);
        assertThat(config.electionTimeoutMin()).isEqualTo(RaftConfiguration.ELECTION_TIMEOUT_MIN_DEFAULT);
        assertThat(config.electionTimeoutMax()).isEqualTo(RaftConfiguration.ELECTION_TIMEOUT_MAX_DEFAULT);
    }

    @Test
    void groupIdIsDerivedFromTheClusterIdAlone() {
        assertThat(RaftConfiguration.groupIdOf("prod")).isEqualTo(RaftConfiguration.groupIdOf("prod"))
                .isNotEqualTo(RaftConfiguration.groupIdOf("staging"));
        assertThat(RaftConfiguration.builder("n2", "h:1", DIR).clusterId("prod").build().groupId())
                .isEqualTo(RaftConfiguration.groupIdOf("prod"));
    }

    @Test
    void parsesHostsIncludingBracketedIpv6() {
        assertThat(RaftConfiguration.parseHost("[::1]:7070")).isEqualTo("::1");
        assertThat(RaftConfiguration.parseHost("node-1.example:7070")).isEqualTo("node-1.example");
        assertThat(RaftConfiguration.parsePort("[::1]:7070", "address")).isEqualTo(7070);
    }

    @Test
    void rejectsAPeerListWithoutThisPeer() {
        assertThatThrownBy(() -> RaftConfiguration.builder("n1", "h1:1", DIR).clusterId("c")
                .peers(List.of(new Peer("n2", "h2:1"), new Peer("n3", "h3:1"))).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("peers must contain this peer");
    }

    @Test
    void rejectsBadAddressesAndTimeouts() {
        assertThatThrownBy(() -> new Peer("n1", "no-port"))
                .hasMessage("address of peer n1 must be host:port, got \"no-port\".");
        assertThatThrownBy(() -> new Peer("n1", "h:70000"))
                .hasMessage("address of peer n1 must end in a port 1-65535, got \"h:70000\".");
        assertThatThrownBy(() -> RaftConfiguration.builder("n1", "h:1", DIR).clusterId("c")
                .electionTimeout(Duration.ofMillis(300), Duration.ofMillis(300)).build())
                .hasMessageContaining("electionTimeoutMax");
        assertThatThrownBy(() -> RaftConfiguration.builder("n1", "h:1", DIR).build())
                .hasMessage("groupId must be set, directly or from a clusterId.");
    }
}
