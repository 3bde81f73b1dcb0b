package io.trellis.controlplane.scheduler;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.store.Fixtures;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.PlacementPreference;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreOp;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --placement-pref spread=node.labels.NAME}: tasks even over the label's values (nodes without it one more
 * group), tree-like for several preferences, among the nodes the filters let through.
 */
class SpreadPreferencesTest {

    private static Node node(String id, String... labels) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            m.put(labels[i], labels[i + 1]);
        }
        return Fixtures.worker(id, m);
    }

    private static Service service(int replicas, List<String> constraints, String... spreadLabels) {
        ServiceSpec spec = Fixtures.service("s1", "web", replicas, ServiceSpec.Mode.REPLICATED, 0,
                constraints.toArray(String[]::new)).spec()
                .withPreferences(Arrays.stream(spreadLabels).map(l -> new PlacementPreference("node.labels." + l))
                        .toList());
        return new Service("s1", spec, 1, T0, T0);
    }

    @Test
    void tasksSpreadEvenlyOverTheZonesAndTheUnlabelledGroup() {
        // Without the preference the four nodes would take 2/2/1/1: zone a would hold 3 or 4 of the 6.
        PlacementFixture placed = new PlacementFixture(node("a1", "zone", "a"), node("a2", "zone", "a"),
                node("b1", "zone", "b"), node("c1"));
        placed.createAndSchedule(service(6, List.of(), "zone"));
        assertThat(placed.perNode("s1")).containsOnly(Map.entry("a1", 1L), Map.entry("a2", 1L), Map.entry("b1", 2L),
                Map.entry("c1", 2L));
    }

    @Test
    void theSecondPreferenceSplitsEachGroupOfTheFirst() {
        // dc1 = rack r2 (n1, n2) + rack r1 (n3); dc2 = n4. By node order alone n1 would take dc1's second task.
        PlacementFixture placed = new PlacementFixture(node("n1", "dc", "1", "rack", "r2"),
                node("n2", "dc", "1", "rack", "r2"), node("n3", "dc", "1", "rack", "r1"),
                node("n4", "dc", "2", "rack", "r3"));
        placed.createAndSchedule(service(8, List.of(), "dc", "rack"));
        assertThat(placed.perNode("s1")).containsOnly(Map.entry("n1", 1L), Map.entry("n2", 1L), Map.entry("n3", 2L),
                Map.entry("n4", 4L));
    }

    @Test
    void constraintsFilterFirstAndAGroupWithoutCandidatesIsNoGroup() {
        // b1 is zone b's only node and fails the constraint: zones a and c share the tasks, b gets none.
        PlacementFixture placed = new PlacementFixture(node("a1", "zone", "a"), node("a2", "zone", "a"),
                node("b1", "zone", "b", "disk", "hdd"), node("c1", "zone", "c"));
        placed.createAndSchedule(service(4, List.of("node.labels.disk!=hdd"), "zone"));
        assertThat(placed.perNode("s1")).containsOnly(Map.entry("a1", 1L), Map.entry("a2", 1L), Map.entry("c1", 2L));
    }

    @Test
    void tasksAlreadyPlacedCountWhenScalingUp() {
        // Without the preference a1 would end with 2 of the 6, as many as b1.
        PlacementFixture placed = new PlacementFixture(node("a1", "zone", "a"), node("b1", "zone", "b"),
                node("b2", "zone", "b"), node("b3", "zone", "b"));
        placed.createAndSchedule(service(2, List.of(), "zone"));
        assertThat(placed.perNode("s1")).containsOnly(Map.entry("a1", 1L), Map.entry("b1", 1L));
        Service s = placed.view().services().get("s1");
        placed.apply(new StoreOp.UpdateService("s1", s.version(), s.spec().withReplicas(6), T0));
        placed.reconcile();
        assertThat(placed.perNode("s1")).containsOnly(Map.entry("a1", 3L), Map.entry("b1", 1L), Map.entry("b2", 1L),
                Map.entry("b3", 1L));
    }
}
