package io.trellis.lab;

import io.trellis.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code lab up} made, so later CLI invocations ({@code down}, {@code exec}, {@code stop},
 * {@code start}, {@code status}) find it again. Whether a node is partitioned is not kept here: the
 * kernel's link state is the truth (see {@link LabNetwork#isPartitioned}).
 *
 * @param managers how many of the nodes (the first ones) were asked to be managers
 */
public record LabState(int managers, List<LabNode> nodes) {
    static final Path FILE = Path.of("/run/trellis/lab/lab.json");

    public LabState {
        nodes = List.copyOf(nodes);
    }

    /**
     * One lab node: its namespace, underlay address, admin socket, and the agent process that serves
     * it.
     *
     * @param role "manager" or "worker": what the node joined the lab's swarm as
     * @param agentCommand the agent's full command line, so {@code lab start} restarts it with the
     *     same data dir and flags
     * @param agent the running (or last) agent process
     */
    public record LabNode(String name, String namespace, String address, String socket, String dataDir,
                          String role, List<String> agentCommand, AgentProcess agent) {
        public LabNode {
            agentCommand = List.copyOf(agentCommand);
        }

        public String host() {
            return "unix://" + socket;
        }

        public long pid() {
            return agent.pid();
        }

        LabNode withAgent(AgentProcess newAgent) {
            return new LabNode(name, namespace, address, socket, dataDir, role, agentCommand, newAgent);
        }
    }

    static Optional<LabState> load() throws IOException {
        return Files.exists(FILE) ? Optional.of(Json.MAPPER.readValue(FILE.toFile(), LabState.class)) : Optional.empty();
    }

    /** Written to a temporary file and renamed, so a reader never sees half a state. */
    void save() throws IOException {
        Files.createDirectories(FILE.getParent());
        Path tmp = FILE.resolveSibling(FILE.getFileName() + ".tmp");
        Json.MAPPER.writeValue(tmp.toFile(), this);
        Files.move(tmp, FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    Optional<LabNode> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** This state with {@code node} in place of the node of the same name, or added after the others. */
    LabState with(LabNode node) {
        List<LabNode> next = new ArrayList<>(nodes);
        for (int i = 0; i < next.size(); i++) {
            if (next.get(i).name().equals(node.name())) {
                next.set(i, node);
                return new LabState(managers, next);
            }
        }
        next.add(node);
        return new LabState(managers, next);
    }

    static void delete() throws IOException {
        Files.deleteIfExists(FILE);
    }
}
