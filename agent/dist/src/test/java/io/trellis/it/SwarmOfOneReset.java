package io.trellis.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trellis.api.Json;
import io.trellis.api.NetworkView;
import io.trellis.api.NodeView;
import io.trellis.api.SecretView;
import io.trellis.api.ServiceView;
import io.trellis.testing.agent.AgentCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Brings a swarm of one back to how {@code swarm init} left it, whatever a test made: every service removed and its
 * tasks gone from the node, then the networks but ingress, the secrets and the volumes; the node Active again with
 * no labels.
 */
final class SwarmOfOneReset {
    private static final Duration TASKS_GONE = Duration.ofSeconds(30);

    private SwarmOfOneReset() {
    }

    /** Whether the swarm is empty again; false (with one line why) if something could not be removed. */
    static boolean tryRun(AgentCli cli, Path dataDir) {
        try {
            run(cli, dataDir);
            return true;
        } catch (RuntimeException | IOException e) {
            System.out.println("could not empty the swarm for the next test, which gets a fresh agent: " + e);
            return false;
        }
    }

    private static void run(AgentCli cli, Path dataDir) throws IOException {
        List<String> services = json(cli, new TypeReference<List<ServiceView>>() { }, "service", "ls")
                .stream().map(ServiceView::name).toList();
        removeAll(cli, "service", services);
        // The tasks stop in their own time; their networks, secrets' mounts and volumes are free once they have.
        Path tasks = dataDir.resolve("tasks");
        try {
            await().atMost(TASKS_GONE).until(() -> isEmpty(tasks));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("tasks of removed services still on the node after " + TASKS_GONE, e);
        }
        removeAll(cli, "network", json(cli, new TypeReference<List<NetworkView>>() { }, "network", "ls").stream()
                .filter(n -> !n.ingress()).map(NetworkView::name).toList());
        removeAll(cli, "secret", json(cli, new TypeReference<List<SecretView>>() { }, "secret", "ls").stream()
                .map(SecretView::name).toList());
        removeAll(cli, "volume", cli.ok("volume", "ls", "-q").lines().toList());

        NodeView self = Json.read(cli.ok("node", "inspect", "self").getBytes(StandardCharsets.UTF_8),
                new TypeReference<List<NodeView>>() { }).get(0);
        if (!self.availability().equals("Active") || !self.labels().isEmpty()) {
            List<String> update = new ArrayList<>(List.of("node", "update", "--availability", "active"));
            self.labels().keySet().forEach(k -> update.addAll(List.of("--label-rm", k)));
            update.add("self");
            cli.ok(update.toArray(String[]::new));
        }
    }

    private static void removeAll(AgentCli cli, String kind, List<String> names) {
        if (!names.isEmpty()) {
            cli.ok(Stream.concat(Stream.of(kind, "rm"), names.stream()).toArray(String[]::new));
        }
    }

    private static <T> T json(AgentCli cli, TypeReference<T> type, String... args) {
        String[] withFormat = Stream.concat(Stream.of(args), Stream.of("--format", "json")).toArray(String[]::new);
        return Json.read(cli.ok(withFormat).getBytes(StandardCharsets.UTF_8), type);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
