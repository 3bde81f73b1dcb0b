package io.trellis.controlplane.scheduler;

import io.trellis.controlplane.constraint.PlacementPreferences;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.PlacementPreference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks a node for one task of a service with {@code --placement-pref spread=node.labels.NAME} (swarmkit's
 * decision tree): the first preference splits the candidates by their label value (nodes without it form the
 * group of the empty value), each next preference splits every group again; the task goes down to the branch
 * holding the fewest of the service's tasks at each level, and within the last one the usual spread order picks.
 * Only the candidates count, as swarmkit builds its tree of the nodes that passed the filters: a group no node of
 * which can take the task is not a group.
 */
final class SpreadPreferences {
    private SpreadPreferences() {
    }

    /** The best of {@code candidates} (not empty) for a task of {@code serviceId}. */
    static Node best(List<PlacementPreference> preferences, String serviceId, List<Node> candidates,
                     Placements placements) {
        // Per level, the service's tasks in each branch, keyed by the label values from the root down.
        List<Map<String, Integer>> levels = new ArrayList<>();
        for (int level = 0; level < preferences.size(); level++) {
            Map<String, Integer> branches = new HashMap<>();
            for (Node n : candidates) {
                branches.merge(branch(preferences, level, n), placements.ofService(serviceId, n.id()), Integer::sum);
            }
            levels.add(branches);
        }
        Node best = null;
        for (Node n : candidates) {
            if (best == null || compare(preferences, levels, serviceId, placements, n, best) < 0) {
                best = n;
            }
        }
        return best;
    }

    /** Fewer of the service's tasks in the node's branch, level by level; then the spread order. */
    private static int compare(List<PlacementPreference> preferences, List<Map<String, Integer>> levels,
                               String serviceId, Placements placements, Node a, Node b) {
        for (int level = 0; level < levels.size(); level++) {
            Map<String, Integer> branches = levels.get(level);
            int c = Integer.compare(branches.get(branch(preferences, level, a)),
                    branches.get(branch(preferences, level, b)));
            if (c != 0) {
                return c;
            }
        }
        return placements.compare(serviceId, a.id(), b.id());
    }

    /** The node's path in the tree down to {@code level}: its values of the preferences 0..level. */
    private static String branch(List<PlacementPreference> preferences, int level, Node n) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i <= level; i++) {
            // NUL cannot be in a label value: the path is unambiguous.
            path.append(PlacementPreferences.value(preferences.get(i), n)).append('\0');
        }
        return path.toString();
    }
}
