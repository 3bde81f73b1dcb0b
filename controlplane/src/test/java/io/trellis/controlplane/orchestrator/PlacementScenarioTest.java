package io.trellis.controlplane.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.Service;
import io.trellis.controlplane.store.ServiceSpec;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskState;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden placement scenarios (Cilium's {@code testdata/*.txtar} habit): each file under
 * {@code scenarios/placement} is a list of commands in the CLI's words, run against every control
 * loop ({@link SimulatedCluster}) until it settles, with {@code expect:} blocks holding the table
 * of where tasks run at that point. Commands:
 * <pre>
 * node ID [worker] [KEY=VALUE]...         a ready, active node (manager unless "worker") with labels
 * node update [--availability A] [--label-add K=V]... [--label-rm K]... ID
 * node down ID | node ready ID             the heartbeat's verdict
 * service create NAME [--mode M] [--replicas N] [--replicas-max-per-node N] [--constraint EXPR]...
 * fail SERVICE NODE                       one of its tasks on that node exits non-zero
 * expect:                                  then one line per service until a blank line:
 *   NAME NODE=RUNNING... [pending=N "error"]
 * </pre>
 */
class PlacementScenarioTest {

    @TestFactory
    Stream<DynamicTest> scenarios() throws IOException, URISyntaxException {
        Path dir = Path.of(PlacementScenarioTest.class.getResource("/scenarios/placement").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
    }

    private static void run(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        SimulatedCluster cluster = new SimulatedCluster();
        Map<String, String> serviceIds = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file.getFileName() + ":" + (i + 1);
            if (line.equals("expect:")) {
                List<String> expected = new ArrayList<>();
                while (i + 1 < lines.size() && !lines.get(i + 1).isBlank()) {
                    expected.add(lines.get(++i).strip());
                }
                assertThat(table(cluster, serviceIds)).as(where).containsExactlyElementsOf(expected);
                continue;
            }
            List<String> w = List.of(line.split("\\s+"));
            switch (w.get(0) + (w.size() > 1 ? " " + w.get(1) : "")) {
                case "node update" -> nodeUpdate(cluster, w.subList(2, w.size()));
                case "node down" -> cluster.setStatus(w.get(2), Node.Status.DOWN);
                case "node ready" -> cluster.setStatus(w.get(2), Node.Status.READY);
                case "service create" -> {
                    Service s = service(w.subList(2, w.size()));
                    serviceIds.put(s.name(), s.id());
                    cluster.create(s);
                }
                default -> {
                    if (w.get(0).equals("node")) {
                        cluster.putNode(node(w.subList(1, w.size())));
                    } else if (w.get(0).equals("fail")) {
                        Task t = cluster.live(serviceIds.get(w.get(1))).stream()
                                .filter(x -> w.get(2).equals(x.nodeId())).findFirst()
                                .orElseThrow(() -> new AssertionError(where + ": no live task of " + w.get(1) + " on " + w.get(2)));
                        cluster.fail(t);
                        cluster.settle();
                    } else {
                        throw new AssertionError(where + ": unknown command " + line);
                    }
                }
            }
        }
    }

    private static Node node(List<String> w) {
        Map<String, String> labels = new TreeMap<>();
        boolean worker = false;
        for (String a : w.subList(1, w.size())) {
            if (a.equals("worker")) {
                worker = true;
            } else {
                labels.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            }
        }
        return new Node(w.get(0), w.get(0), worker ? Node.Role.WORKER : Node.Role.MANAGER, Node.Availability.ACTIVE,
                Node.Status.READY, "", "", labels, 0, 0, null);
    }

    private static void nodeUpdate(SimulatedCluster cluster, List<String> w) {
        Node.Availability a = null;
        Map<String, String> add = new TreeMap<>();
        List<String> rm = new ArrayList<>();
        for (int i = 0; i < w.size() - 1; i += 2) {
            String v = w.get(i + 1);
            switch (w.get(i)) {
                case "--availability" -> a = Node.Availability.valueOf(v.toUpperCase());
                case "--label-add" -> add.put(v.substring(0, v.indexOf('=')), v.substring(v.indexOf('=') + 1));
                case "--label-rm" -> rm.add(v);
                default -> throw new AssertionError("unknown flag " + w.get(i));
            }
        }
        cluster.apply(new StoreOp.UpdateNodeSpec(w.get(w.size() - 1), a, add, rm, cluster.now));
        cluster.settle();
    }

    private static Service service(List<String> w) {
        ServiceSpec.Mode mode = ServiceSpec.Mode.REPLICATED;
        int replicas = 1;
        int max = 0;
        List<String> constraints = new ArrayList<>();
        for (int i = 1; i < w.size(); i += 2) {
            String v = w.get(i + 1);
            switch (w.get(i)) {
                case "--mode" -> mode = ServiceSpec.Mode.valueOf(v.toUpperCase());
                case "--replicas" -> replicas = Integer.parseInt(v);
                case "--replicas-max-per-node" -> max = Integer.parseInt(v);
                case "--constraint" -> constraints.add(v);
                default -> throw new AssertionError("unknown flag " + w.get(i));
            }
        }
        String name = w.get(0);
        return new Service("id-" + name, new ServiceSpec(name, "img", List.of(), List.of(),
                mode == ServiceSpec.Mode.GLOBAL ? 0 : replicas, mode, constraints, max), 1, 0, 0);
    }

    /** One line per service: running tasks per node, then pending tasks and their error. */
    private static List<String> table(SimulatedCluster cluster, Map<String, String> serviceIds) {
        List<String> out = new ArrayList<>();
        for (String name : new TreeMap<>(serviceIds).keySet()) {
            String id = serviceIds.get(name);
            StringBuilder b = new StringBuilder(name);
            cluster.runningPerNode(id).forEach((node, n) -> b.append(' ').append(node).append('=').append(n));
            List<Task> pending = cluster.live(id).stream().filter(t -> t.nodeId() == null)
                    .sorted(Comparator.comparing(Task::name)).toList();
            if (!pending.isEmpty()) {
                b.append(" pending=").append(pending.size()).append(" \"").append(pending.get(0).status().error())
                        .append('"');
            }
            out.add(b.toString());
        }
        return out;
    }
}
