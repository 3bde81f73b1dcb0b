package io.trellis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.InfoView;
import io.trellis.api.Json;
import io.trellis.controlplane.raft.RaftTimeouts;
import io.trellis.controlplane.raft.RaftTimings;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import io.trellis.daemon.lb.LbMode;
import io.trellis.daemon.network.DataPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code GET /info} makes of the store, the Raft server and the agent's flags; the live agent is agent/dist's. */
class InfoViewsTest {
    private static Node node(String id, Node.Role role, String managerAddr) {
        return new Node(id, "host-" + id, role, Node.Availability.ACTIVE, Node.Status.READY, "10.0.0." + id.length(),
                "0.1.0", Map.of(), 0, 0, managerAddr);
    }

    private static ClusterSnapshot cluster(String unlockKey) {
        ClusterInfo info = new ClusterInfo("c1", 0, "CA-CERT", "CA-PRIVATE-KEY", "SWMTKN-worker", "SWMTKN-manager",
                unlockKey).withAddressPool("10.8.0.0/16", 26);
        return new ClusterSnapshot(7, info, Map.of(
                "m2", node("m2", Node.Role.MANAGER, "10.0.0.9:2377"),
                "m1", node("m1", Node.Role.MANAGER, "10.0.0.2:2377"),
                "w1", node("w1", Node.Role.WORKER, null)), Map.of(), Map.of());
    }

    private static AgentConfiguration configuration(LbMode lb, String lbFlag, DataPath path, String pathFlag) {
        return new AgentConfiguration(Path.of("/var/lib/trellis"), "unix:///run/trellis/trellis.sock", null, "node1",
                "10.0.0.2", 2378, Path.of("/run/trellis/netns"), Duration.ofSeconds(10), Duration.ofSeconds(5), 4790,
                4500, Duration.ofHours(12), Duration.ofHours(2), 7946, List.of(), path, lb, RaftTimeouts.DEFAULT,
                lbFlag, pathFlag);
    }

    @Test
    void theClusterIsCountedFromTheStore() {
        InfoView.Cluster c = InfoViews.cluster(cluster("SWMKEY-1-secret"));

        assertThat(c).isEqualTo(new InfoView.Cluster(2, 3, "10.8.0.0/16", 26, true));
        assertThat(InfoViews.cluster(cluster(null)).autolock()).isFalse();
        assertThat(InfoViews.cluster(ClusterSnapshot.EMPTY)).isNull();
    }

    @Test
    void managerAddressesAreTheManagersSorted() {
        assertThat(InfoViews.managerAddrs(cluster(null))).containsExactly("10.0.0.2:2377", "10.0.0.9:2377");
    }

    @Test
    void noKeyTokenOrUnlockKeyLeaves() {
        InfoView.Member m = new InfoView.Member("10.0.0.2", InfoViews.managerAddrs(cluster("SWMKEY-1-secret")), null,
                InfoViews.cluster(cluster("SWMKEY-1-secret")), null);

        String json = new String(Json.bytes(m), StandardCharsets.UTF_8);
        assertThat(json).contains("\"autolock\":true")
                .doesNotContain("SWMKEY", "SWMTKN", "CA-PRIVATE-KEY", "CA-CERT");
    }

    @Test
    void theNetworkBlockSaysWhatRunsAndWhatWasAskedFor() {
        assertThat(InfoViews.network(configuration(LbMode.IPVS, "auto", DataPath.KERNEL, "auto")))
                .isEqualTo(new InfoView.Network("ipvs", "auto", "kernel", "auto", 4790));
        // Without the flags (a configuration made in code), what runs is what was asked for.
        assertThat(InfoViews.network(configuration(LbMode.USERSPACE, null, DataPath.USERSPACE, null)))
                .isEqualTo(new InfoView.Network("userspace", "userspace", "userspace", "userspace", 4790));
    }

    @Test
    void raftTimingsAreMilliseconds() {
        assertThat(InfoViews.raft(new RaftTimings(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(500),
                Duration.ofSeconds(7)))).isEqualTo(new InfoView.Raft(1000, 2000, 500, 7000));
    }

    @Test
    void aWorkerKnowsItsAddressAndTheManagersItHeardOf() {
        SwarmIdentity id = new SwarmIdentity("c1", "w1", null, "10.0.0.7", SwarmIdentity.WORKER, null,
                List.of("10.0.0.9:2377", "10.0.0.2:2377"));

        assertThat(InfoViews.member(id, null)).isEqualTo(
                new InfoView.Member("10.0.0.7", List.of("10.0.0.2:2377", "10.0.0.9:2377"), null, null, null));
    }

    @Test
    void aLockedOrInactiveNodeSaysNothingOfItsSwarm() {
        SwarmIdentity id = new SwarmIdentity("c1", "m1", "10.0.0.2:2378", "10.0.0.2", SwarmIdentity.MANAGER,
                "10.0.0.2:2377", List.of());
        AgentConfiguration cfg = configuration(LbMode.USERSPACE, null, DataPath.USERSPACE, null);

        assertThat(InfoViews.of(InfoViews.LOCKED, id, null, cfg, "process").member()).isNull();
        InfoView inactive = InfoViews.of(InfoViews.INACTIVE, null, null, cfg, "process");
        assertThat(inactive.member()).isNull();
        assertThat(inactive.nodeId()).isEmpty();
        assertThat(inactive.hostname()).isEqualTo("node1");
        assertThat(inactive.host().dataDir()).isEqualTo("/var/lib/trellis");
        assertThat(InfoViews.of(InfoViews.STARTING, id, null, cfg, "process").member().nodeAddr())
                .isEqualTo("10.0.0.2");
    }
}
