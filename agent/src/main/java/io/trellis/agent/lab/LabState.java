package io.trellis.agent.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What {@code lab up} made, so {@code lab down} and {@code lab exec} find it again. */
public record LabState(List<LabNode> nodes) {
    static final Path FILE = Path.of("/run/trellis/lab/lab.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One lab node: its namespace, underlay address, agent process and admin socket. */
    public record LabNode(String name, String namespace, String address, String socket, String dataDir, long pid) {
        public String host() {
            return "unix://" + socket;
        }
    }

    static Optional<LabState> load() throws IOException {
        return Files.exists(FILE) ? Optional.of(JSON.readValue(FILE.toFile(), LabState.class)) : Optional.empty();
    }

    void save() throws IOException {
        Files.createDirectories(FILE.getParent());
        JSON.writeValue(FILE.toFile(), this);
    }

    Optional<LabNode> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    static void delete() throws IOException {
        Files.deleteIfExists(FILE);
    }
}
