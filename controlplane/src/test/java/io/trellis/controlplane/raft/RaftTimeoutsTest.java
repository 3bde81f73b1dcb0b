package io.trellis.controlplane.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RaftTimeoutsTest {
    @Test
    void theDefaultsAreTheConfigurationsDefaults() {
        RaftConfiguration cfg = RaftConfiguration.builder("p1", "127.0.0.1:9000", Path.of("/tmp/x"))
                .clusterId("c").timeouts(RaftTimeouts.DEFAULT).build();

        assertThat(cfg.electionTimeoutMin()).isEqualTo(RaftConfiguration.ELECTION_TIMEOUT_MIN_DEFAULT);
        assertThat(cfg.electionTimeoutMax()).isEqualTo(RaftConfiguration.ELECTION_TIMEOUT_MAX_DEFAULT);
        assertThat(cfg.requestTimeout()).isEqualTo(RaftConfiguration.REQUEST_TIMEOUT_DEFAULT);
    }

    @Test
    void givenTimeoutsReachTheConfiguration() {
        RaftConfiguration cfg = RaftConfiguration.builder("p1", "127.0.0.1:9000", Path.of("/tmp/x"))
                .clusterId("c").timeouts(new RaftTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30))).build();

        assertThat(cfg.electionTimeoutMin()).isEqualTo(Duration.ofSeconds(2));
        assertThat(cfg.electionTimeoutMax()).isEqualTo(Duration.ofSeconds(4));
        assertThat(cfg.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aRequestTimeoutShorterThanTwoElectionsIsRefused() {
        assertThatThrownBy(() -> new RaftTimeouts(Duration.ofSeconds(1), Duration.ofMillis(3999)))
                .hasMessage("the Raft request timeout (3999 ms) must be at least 4 times the election timeout (1000 ms)");
        assertThat(new RaftTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(4)).electionMax())
                .isEqualTo(Duration.ofSeconds(2));
    }
}
