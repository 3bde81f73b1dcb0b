package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Brings a running lab back to its baseline after a test class, whatever the class did or left half done:
 * stopped agents started and cut nodes healed, every service removed (a stack's too), node availability and
 * labels restored, and the networks, secrets and volumes made since removed, once their tasks are gone.
 */
final class LabReset {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Lab lab;
    private final LabBaseline baseline;

    LabReset(Lab lab, LabBaseline baseline) {
        this.lab = lab;
        this.baseline = baseline;
    }

    /** Returns once the lab reads as its baseline again; an AssertionError or IOException if it does not. */
    void run() throws IOException {
        for (Lab.NodeStatus s : lab.status().orElseThrow(() -> new IOException("the lab is not up"))) {
            if (s.partitioned()) {
                lab.heal(s.node().name());
            }
            if (!s.agentRunning()) {
                lab.start(s.node().name());
            }
        }
        List<LabState.LabNode> nodes = LabState.load().orElseThrow().nodes();
        LabState.LabNode manager = nodes.get(0);
        // A restarted or healed node takes a heartbeat or two to be Ready again.
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() ->
                assertThat(LabBaseline.nodeStates(manager)).extractingFromEntries(e -> e.getValue().status())
                        .containsOnly("Ready"));

        Set<String> services = LabBaseline.names(manager, "/services");
        services.removeAll(baseline.services());
        if (!services.isEmpty()) {
            LabAdmin.post(manager, "/services/remove", Map.of("services", List.copyOf(services)));
        }
        restoreNodes(manager);
        // The services' tasks stop on their nodes in their own time; their namespaces go last.
        await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(baseline.taskNamespaces()).containsAll(LabBaseline.hostTaskNamespaces()));

        removeNew(manager, "/networks", "networks", baseline.networks());
        removeNew(manager, "/secrets", "secrets", baseline.secrets());
        for (LabState.LabNode n : nodes) {
            Set<String> volumes = LabBaseline.volumes(n);
            volumes.removeAll(baseline.volumes().getOrDefault(n.name(), Set.of()));
            if (!volumes.isEmpty()) {
                LabAdmin.post(n, "/volumes/remove", Map.of("volumes", List.copyOf(volumes)));
            }
        }
        await().atMost(TIMEOUT).untilAsserted(() -> {
            LabBaseline now = LabBaseline.read(nodes);
            assertThat(now.isAsBefore(baseline)).as("the lab as it came up:%n%s%nand now:%n%s", baseline, now).isTrue();
        });
    }

    private void restoreNodes(LabState.LabNode manager) throws IOException {
        Map<String, LabBaseline.NodeState> now = LabBaseline.nodeStates(manager);
        for (Map.Entry<String, LabBaseline.NodeState> e : baseline.nodes().entrySet()) {
            LabBaseline.NodeState was = e.getValue();
            LabBaseline.NodeState is = now.get(e.getKey());
            if (is == null || is.equals(was)) {
                continue; // a node gone is not for a reset to bring back: the final check fails instead
            }
            List<String> add = new ArrayList<>();
            was.labels().forEach((k, v) -> add.add(k + "=" + v));
            List<String> rm = new ArrayList<>(is.labels().keySet());
            rm.removeAll(was.labels().keySet());
            LabAdmin.post(manager, "/nodes/" + e.getKey() + "/update",
                    Map.of("availability", was.availability(), "labelAdd", add, "labelRm", rm));
        }
    }

    private static void removeNew(LabState.LabNode manager, String path, String key, Set<String> kept) {
        // A network is refused while a task of a removed service still holds it on some node: retried.
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            Set<String> extra = LabBaseline.names(manager, path);
            extra.removeAll(kept);
            if (!extra.isEmpty()) {
                LabAdmin.post(manager, path + "/remove", Map.of(key, List.copyOf(extra)));
            }
            assertThat(LabBaseline.names(manager, path)).isEqualTo(kept);
        });
    }
}
