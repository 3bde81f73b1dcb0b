package io.trellis.controlplane.store;

import java.util.List;
import java.util.Map;

/**
 * A member of the cluster as the managers see it.
 *
 * @param address       the node's advertised address (underlay IP)
 * @param engineVersion the Trellis version the node runs (Docker's ENGINE VERSION column)
 * @param managerAddr   for a manager, where its cluster API listens ({@code ip:port}, Swarm's
 *                      {@code ManagerStatus.Addr}); null for a worker
 * @param ingressAddress the node's own address on the ingress network, where its routing-mesh connections to
 *                      tasks on other nodes come from (Swarm's ingress sandbox); given when the node is stored
 *                      and kept for its life, null while there is no ingress network or it is full
 * @param publicKey     the node key of its current certificate (base64 of the X.509 SubjectPublicKeyInfo),
 *                      recorded at admission and renewal: rotated Raft data keys are wrapped for it; null for
 *                      nodes recorded before it was
 * @param resources     the CPUs and memory it reported at admission or registration; null for nodes recorded
 *                      before it did (the scheduler then counts no reservations against it)
 * @param runtimes      the task runtimes the node said in its last heartbeat it can use ({@code process},
 *                      {@code docker}); null until it said
 */
public record Node(
        String id,
        String hostname,
        Role role,
        Availability availability,
        Status status,
        String address,
        String engineVersion,
        Map<String, String> labels,
        long createdAt,
        long updatedAt,
        String managerAddr,
        String ingressAddress,
        String publicKey,
        NodeResources resources,
        List<String> runtimes) {

    public enum Role { MANAGER, WORKER }

    public enum Availability { ACTIVE, PAUSE, DRAIN }

    public enum Status { UNKNOWN, READY, DOWN, DISCONNECTED }

    public Node {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        runtimes = runtimes == null ? null : List.copyOf(runtimes);
    }

    public Node(String id, String hostname, Role role, Availability availability, Status status, String address,
                String engineVersion, Map<String, String> labels, long createdAt, long updatedAt, String managerAddr,
                String ingressAddress, String publicKey, NodeResources resources) {
        this(id, hostname, role, availability, status, address, engineVersion, labels, createdAt, updatedAt,
                managerAddr, ingressAddress, publicKey, resources, null);
    }

    public Node(String id, String hostname, Role role, Availability availability, Status status, String address,
                String engineVersion, Map<String, String> labels, long createdAt, long updatedAt, String managerAddr,
                String ingressAddress, String publicKey) {
        this(id, hostname, role, availability, status, address, engineVersion, labels, createdAt, updatedAt,
                managerAddr, ingressAddress, publicKey, null);
    }

    public Node(String id, String hostname, Role role, Availability availability, Status status, String address,
                String engineVersion, Map<String, String> labels, long createdAt, long updatedAt, String managerAddr) {
        this(id, hostname, role, availability, status, address, engineVersion, labels, createdAt, updatedAt,
                managerAddr, null, null);
    }

    public Node(String id, String hostname, Role role, Availability availability, Status status, String address,
                String engineVersion, Map<String, String> labels, long createdAt, long updatedAt, String managerAddr,
                String ingressAddress) {
        this(id, hostname, role, availability, status, address, engineVersion, labels, createdAt, updatedAt,
                managerAddr, ingressAddress, null);
    }

    public Node withStatus(Status s, long now) {
        return new Node(id, hostname, role, availability, s, address, engineVersion, labels, createdAt, now, managerAddr,
                ingressAddress, publicKey, resources, runtimes);
    }

    /** {@code node update}: what the user controls (role aside). */
    public Node withAvailabilityAndLabels(Availability a, Map<String, String> l, long now) {
        return new Node(id, hostname, role, a, status, address, engineVersion, l, createdAt, now, managerAddr,
                ingressAddress, publicKey, resources, runtimes);
    }

    public Node withIngressAddress(String a) {
        return new Node(id, hostname, role, availability, status, address, engineVersion, labels, createdAt, updatedAt,
                managerAddr, a, publicKey, resources, runtimes);
    }

    public Node withPublicKey(String k) {
        return new Node(id, hostname, role, availability, status, address, engineVersion, labels, createdAt, updatedAt,
                managerAddr, ingressAddress, k, resources, runtimes);
    }

    /** What the node last said it can run tasks with ({@code process}, {@code docker}); null before it said. */
    public Node withRuntimes(List<String> next) {
        return new Node(id, hostname, role, availability, status, address, engineVersion, labels, createdAt, updatedAt,
                managerAddr, ingressAddress, publicKey, resources, next);
    }

    /** Whether the node can run tasks of {@code runtime}; a node that never said is given the benefit of the doubt. */
    public boolean runs(String runtime) {
        return runtime == null || runtimes == null || runtimes.contains(runtime);
    }

    public Node withResources(NodeResources r) {
        return new Node(id, hostname, role, availability, status, address, engineVersion, labels, createdAt, updatedAt,
                managerAddr, ingressAddress, publicKey, r, runtimes);
    }
}
