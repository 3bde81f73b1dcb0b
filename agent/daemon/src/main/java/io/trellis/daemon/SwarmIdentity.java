package io.trellis.daemon;

import io.trellis.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Which swarm this node belongs to and as whom, kept in {@code <data-dir>/swarm.json} so a restarted
 * agent rejoins without user action.
 *
 * @param raftAddress  where this node's Raft replica listens ({@code ip:port}), when a manager
 * @param role         {@code manager} or {@code worker}, as this node last knew it
 * @param managerAddr  where this node's cluster API listens, when a manager
 * @param managers     the managers' cluster addresses as last heard, to find the leader after a restart
 */
public record SwarmIdentity(String clusterId, String nodeId, String raftAddress, String advertiseAddr, String role,
                            String managerAddr, List<String> managers) {
    public static final String MANAGER = "manager";
    public static final String WORKER = "worker";

    public SwarmIdentity {
        role = role == null ? MANAGER : role; // written before roles existed: the node was its swarm's manager
        managers = managers == null ? List.of() : List.copyOf(managers);
    }

    public boolean isManager() {
        return MANAGER.equals(role);
    }

    public SwarmIdentity withManagers(List<String> known) {
        return new SwarmIdentity(clusterId, nodeId, raftAddress, advertiseAddr, role, managerAddr, known);
    }

    public SwarmIdentity withRole(String newRole) {
        return new SwarmIdentity(clusterId, nodeId, raftAddress, advertiseAddr, newRole, managerAddr, managers);
    }

    public static Optional<SwarmIdentity> load(Path file) throws IOException {
        return Files.exists(file) ? Optional.of(Json.MAPPER.readValue(file.toFile(), SwarmIdentity.class)) : Optional.empty();
    }

    public void save(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Json.MAPPER.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
