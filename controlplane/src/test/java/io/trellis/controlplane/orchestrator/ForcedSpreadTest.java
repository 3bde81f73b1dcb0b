package io.trellis.controlplane.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.StoreOp;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code service update --force} re-places every task, so a node added since gets its share. */
class ForcedSpreadTest {

    @Test
    void aForcedUpdateSpreadsTheTasksOverANewNode() {
        SimulatedCluster cluster = new SimulatedCluster(Fixtures.node("a"), Fixtures.node("b"));
        cluster.create(Fixtures.service("s1", "web", 6));
        assertThat(cluster.runningPerNode("s1")).containsOnly(Map.entry("a", 3L), Map.entry("b", 3L));
        cluster.putNode(Fixtures.node("c"));
        assertThat(cluster.runningPerNode("s1")).doesNotContainKey("c"); // adding a node moves nothing

        Service s = cluster.view().services().get("s1");
        cluster.apply(new StoreOp.UpdateService(s.id(), s.version(), s.spec().withForceUpdate(s.version() + 1),
                cluster.now));
        cluster.settle();

        assertThat(cluster.runningPerNode("s1")).containsOnly(Map.entry("a", 2L), Map.entry("b", 2L),
                Map.entry("c", 2L));
    }
}
