package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabPlanTest {

    @Test
    void firstNodesAreManagersAndTheRestWorkers() {
        LabPlan plan = new LabPlan(5, 3);
        assertThat(plan.roleOf(1)).isEqualTo("manager");
        assertThat(plan.roleOf(3)).isEqualTo("manager");
        assertThat(plan.roleOf(4)).isEqualTo("worker");
        assertThat(plan.roleOf(5)).isEqualTo("worker");
    }

    @Test
    void refusesMoreManagersThanNodesOrNone() {
        assertThatThrownBy(() -> new LabPlan(3, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid --managers 4: must be between 1 and --nodes (3)");
        assertThatThrownBy(() -> new LabPlan(3, 0)).hasMessage("invalid --managers 0: must be between 1 and --nodes (3)");
    }

    @Test
    void refusesNodeCountsOutsideTheSubnetPlan() {
        assertThatThrownBy(() -> new LabPlan(0, 1)).hasMessage("invalid --nodes 0: must be between 1 and 9");
        assertThatThrownBy(() -> new LabPlan(10, 1)).hasMessage("invalid --nodes 10: must be between 1 and 9");
    }

    @Test
    void warnsAboutAnEvenNumberOfManagersOnly() {
        assertThat(new LabPlan(3, 1).quorumWarning()).isEmpty();
        assertThat(new LabPlan(3, 3).quorumWarning()).isEmpty();
        assertThat(new LabPlan(3, 2).quorumWarning()).hasValue(
                "warning: 2 managers keep quorum through at most 0 manager failures, no more than 1 would;"
                        + " use an odd number of managers");
        assertThat(new LabPlan(4, 4).quorumWarning().orElseThrow())
                .startsWith("warning: 4 managers keep quorum through at most 1 manager failure, no more than 3 would");
    }

    @Test
    void givesEachNodeTheAgentFlagsMeantForIt() {
        LabPlan plan = new LabPlan(3, 1, List.of("--lb=ipvs", "node3:--dataplane=kernel"), LabPlan.DEFAULT_TIMEOUT);
        assertThat(plan.flagsOf(1)).containsExactly("--lb=ipvs");
        assertThat(plan.flagsOf(3)).containsExactly("--lb=ipvs", "--dataplane=kernel");
        assertThatThrownBy(() -> new LabPlan(2, 1, List.of("node3:--lb=ipvs"), LabPlan.DEFAULT_TIMEOUT))
                .hasMessage("invalid --agent-flag node3:--lb=ipvs: the lab has only 2 nodes");
        assertThatThrownBy(() -> new LabPlan(2, 1, List.of("lb=ipvs"), LabPlan.DEFAULT_TIMEOUT))
                .hasMessage("invalid --agent-flag lb=ipvs: must be --flag[=value] or nodeN:--flag[=value]");
    }

    @Test
    void aHeartbeatPeriodAmongTheAgentFlagsReplacesTheLabsOwn() {
        LabPlan plan = new LabPlan(2, 1, List.of("--lb=ipvs", "node2:--heartbeat-period=5s"), LabPlan.DEFAULT_TIMEOUT);
        assertThat(plan.agentFlagsOf(1)).containsExactly("--heartbeat-period", "1s", "--lb=ipvs");
        assertThat(plan.agentFlagsOf(2)).containsExactly("--lb=ipvs", "--heartbeat-period=5s");
    }

    @Test
    void refusesATimeoutOutsideTenSecondsToThirtyMinutes() {
        assertThat(new LabPlan(1, 1, List.of(), Duration.ofMinutes(10)).timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> new LabPlan(1, 1, List.of(), Duration.ofSeconds(5)))
                .hasMessage("invalid --timeout 5000ms: must be between 10s and 30m");
        assertThatThrownBy(() -> new LabPlan(1, 1, List.of(), Duration.ofMinutes(31)))
                .hasMessage("invalid --timeout 1860000ms: must be between 10s and 30m");
    }
}
