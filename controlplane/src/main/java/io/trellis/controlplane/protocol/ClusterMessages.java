package io.trellis.controlplane.protocol;

import io.trellis.controlplane.store.NodeResources;
import io.trellis.controlplane.store.PortConfig;
import io.trellis.controlplane.store.ServiceSpec;
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
     * @param resources     the node's CPUs and memory, for the scheduler; null from an older node
     */
    public record JoinRequest(String token, String csr, String hostname, String advertiseAddr, String raftAddr,
                              String managerAddr, String engineVersion, NodeResources resources) {

        public JoinRequest(String token, String csr, String hostname, String advertiseAddr, String raftAddr,
                           String managerAddr, String engineVersion) {
            this(token, csr, hostname, advertiseAddr, raftAddr, managerAddr, engineVersion, null);
        }
    }

    /**
     * What a joining node needs to take part: its identity and certificate, the managers to talk to,
     * and (managers only) the keys that open the encrypted Raft log: {@code dataKey} is the base64 of
     * the data key ring ({@code KeyRing}; a bare 32-byte key from an older manager reads as a ring of one).
     */
    public record JoinResponse(String nodeId, String clusterId, String role, String certificate, String ca,
                               String dataKey, String unlockKey, List<String> managers) {
    }

    /** The cluster store's key ring for a promoted manager (as in {@link JoinResponse}), and the unlock key when the swarm is autolocked. */
    public record DataKey(String dataKey, String unlockKey) {
    }

    /** A manager that joined asks to become a Raft voter; its identity comes from its certificate. */
    public record RaftJoinRequest(String raftAddr) {
    }

    /**
     * A node's heartbeat.
     *
     * @param runtimes the task runtimes it can use now ({@code process}, {@code docker}); null from older nodes
     */
    public record HeartbeatRequest(List<String> runtimes) {
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
     * Tasks assigned to the node, and the endpoint maps of the networks they are on, that changed
     * since the session's previous answer.
     *
     * @param full            true when {@code tasks} and {@code networks} are the whole set (a new
     *                        session): replace, do not merge
     * @param removed         ids of tasks no longer assigned to the node
     * @param networks        per network the node is on: what changed in its map
     * @param removedNetworks networks the node is no longer on: forget them, keys included
     * @param secrets         secret ID to base64 value, for the secrets the node's tasks that have not ended
     *                        reference and that were not sent before (all of them when {@code full})
     * @param removedSecrets  secrets no longer needed by any task of the node: forget their values
     */
    public record Assignments(String session, boolean full, List<Task> tasks, List<String> removed,
                              List<NetworkChange> networks, List<String> removedNetworks, Map<String, String> secrets,
                              List<String> removedSecrets) {
        public Assignments {
            networks = networks == null ? List.of() : List.copyOf(networks);
            removedNetworks = removedNetworks == null ? List.of() : List.copyOf(removedNetworks);
            secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
            removedSecrets = removedSecrets == null ? List.of() : List.copyOf(removedSecrets);
        }

        public Assignments(String session, boolean full, List<Task> tasks, List<String> removed,
                           List<NetworkChange> networks, List<String> removedNetworks) {
            this(session, full, tasks, removed, networks, removedNetworks, Map.of(), List.of());
        }

        public Assignments(String session, boolean full, List<Task> tasks, List<String> removed) {
            this(session, full, tasks, removed, List.of(), List.of());
        }

        /** Secret values stay out: this string may reach a log. */
        @Override
        public String toString() {
            return "Assignments[session " + session + (full ? " full" : "") + ", " + tasks.size() + " task(s), "
                    + removed.size() + " removed, " + networks.size() + " network change(s), " + secrets.size()
                    + " secret(s), " + removedSecrets.size() + " secret(s) removed]";
        }
    }

    /**
     * An overlay network as a member node needs it. Only nodes with a task on the network receive
     * it, and with it the keys of an encrypted network.
     *
     * @param keys encrypted networks: base64 secrets, the send key first
     */
    public record NetworkInfo(String id, String name, int vni, String subnet, String gateway, boolean encrypted,
                              List<String> keys, boolean ingress) {
        public NetworkInfo {
            keys = keys == null ? List.of() : List.copyOf(keys);
        }

        public NetworkInfo(String id, String name, int vni, String subnet, String gateway, boolean encrypted,
                           List<String> keys) {
            this(id, name, vni, subnet, gateway, encrypted, keys, false);
        }

        @Override
        public String toString() {
            return "NetworkInfo[" + name + " vni " + vni + " " + subnet + (encrypted ? " encrypted" : "") + "]";
        }
    }

    /**
     * A task's endpoint on a network.
     *
     * @param nodeAddress the underlay address of the node that runs it (its VTEP)
     * @param nodeName    that node's hostname, for {@code vip ls}
     * @param backend     running and meant to run: it answers on the service's VIP and in DNS
     */
    public record Endpoint(String taskId, String taskName, String serviceId, String address, String nodeId,
                           String nodeAddress, String nodeName, boolean backend) {
    }

    /**
     * A service attached to a network: the names it answers to there and its VIP.
     *
     * @param vip         null in endpoint mode dnsrr
     * @param ports       the service's published ports (sent on every network; the agent reads them on ingress
     *                    and, for host mode, wherever the service's local tasks are)
     * @param lbAlgorithm how the published ports and the VIP pick a task
     */
    public record ServiceEntry(String serviceId, String name, List<String> aliases, String vip, String endpointMode,
                               List<PortConfig> ports, String lbAlgorithm) {
        public ServiceEntry {
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
            ports = ports == null ? List.of() : List.copyOf(ports);
            lbAlgorithm = lbAlgorithm == null ? ServiceSpec.DEFAULT_LB_ALGORITHM : lbAlgorithm;
        }

        public ServiceEntry(String serviceId, String name, List<String> aliases, String vip, String endpointMode) {
            this(serviceId, name, aliases, vip, endpointMode, List.of(), null);
        }
    }

    /**
     * One network's changes for a node: its definition when new or changed (else null), endpoints
     * and services added or changed, and the IDs of those that left.
     */
    public record NetworkChange(String networkId, NetworkInfo network, List<Endpoint> endpoints,
                                List<String> removedEndpoints, List<ServiceEntry> services,
                                List<String> removedServices) {
        public NetworkChange {
            endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
            removedEndpoints = removedEndpoints == null ? List.of() : List.copyOf(removedEndpoints);
            services = services == null ? List.of() : List.copyOf(services);
            removedServices = removedServices == null ? List.of() : List.copyOf(removedServices);
        }

        public boolean isEmpty() {
            return network == null && endpoints.isEmpty() && removedEndpoints.isEmpty() && services.isEmpty()
                    && removedServices.isEmpty();
        }
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
