package io.trellis.agent.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Which swarm this node belongs to and as whom, kept in {@code <data-dir>/swarm.json} so a restarted
 * agent rejoins its Raft group without user action.
 */
public record SwarmIdentity(String clusterId, String nodeId, String raftAddress, String advertiseAddr) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Optional<SwarmIdentity> load(Path file) throws IOException {
        return Files.exists(file) ? Optional.of(JSON.readValue(file.toFile(), SwarmIdentity.class)) : Optional.empty();
    }

    public void save(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
