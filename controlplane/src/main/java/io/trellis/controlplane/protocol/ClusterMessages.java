package io.trellis.controlplane.protocol;

import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskStatus;
import java.util.List;
import java.util.Map;

/** The JSON bodies exchanged on the cluster port (2377). One place, so the protocol reads as a whole. */
public final class ClusterMessages {
    private ClusterMessages() {
    }

    /**
     * A node asking to join. Authenticated by the token alone: the node has no certificate yet.
     *
     * @param csr           PEM PKCS#10 request; the key never leaves the node
     * @param raftAddr      where this node's Raft replica will listen, when joining as a manager
     * @param managerAddr   where this node's cluster API will listen, when joining as a manager
     */
    public record JoinRequest(String token, String csr, String hostname, String advertiseAddr, String raftAddr,
                              String managerAddr, String engineVersion) {
    }

    /**
     * What a joining node needs to take part: its identity and certificate, the managers to talk to,
     * and (managers only) the key that opens the encrypted Raft log.
     */
    public record JoinResponse(String nodeId, String clusterId, String role, String certificate, String ca,
                               String dataKey, String unlockKey, List<String> managers) {
    }

    /** The cluster store's key for a promoted manager, and the unlock key when the swarm is autolocked. */
    public record DataKey(String dataKey, String unlockKey) {
    }

    /** A manager that joined asks to become a Raft voter; its identity comes from its certificate. */
    public record RaftJoinRequest(String raftAddr) {
    }

    /**
     * The dispatcher's answer to a heartbeat.
     *
     * @param periodMillis when to send the next one
     * @param managers     cluster addresses of all managers, so the node can fail over
     * @param role         the node's role in the store; a change tells the node to renew its certificate
     */
    public record HeartbeatResponse(long periodMillis, List<String> managers, String role) {
    }

    /**
     * Tasks assigned to the node that changed since the session's previous answer.
     *
     * @param full    true when {@code tasks} is the whole set (a new session): replace, do not merge
     * @param removed ids no longer assigned to the node
     */
    public record Assignments(String session, boolean full, List<Task> tasks, List<String> removed) {
    }

    /** Task status changes from a worker, newest per task. */
    public record StatusReport(Map<String, TaskStatus> statuses) {
    }

    /** A node asking for a fresh certificate (expiry or a role change). */
    public record RenewRequest(String csr) {
    }

    public record RenewResponse(String certificate, String role) {
    }

    /** Any refusal: one line for the user; {@code leader} set when the request belongs on the leader. */
    public record Refusal(String message, String leader) {
    }
}
