package io.trellis.api;

import java.util.List;

/**
 * What {@code GET /info} says about this agent ({@code trellis info}, Docker's {@code docker info}). It never
 * carries keys, tokens or the unlock key.
 *
 * @param swarm     "inactive" before {@code swarm init}, "starting" while a restarted agent restores its store
 *                  (Docker's "pending"), "locked" while an autolocked manager waits for {@code swarm unlock},
 *                  else "active"
 * @param runtime   the task runtimes this node can use now, comma-separated ({@code process, docker})
 * @param host      the machine the agent runs on
 * @param network   how this node balances and switches overlay traffic
 * @param member    this node's part in its swarm; null unless the swarm is active or starting
 */
public record InfoView(String swarm, String nodeId, String clusterId, String hostname, boolean manager,
                       boolean leader, String version, String runtime, Host host, Network network, Member member) {

    /**
     * @param kernelVersion   the kernel's release ({@code uname -r})
     * @param operatingSystem {@code PRETTY_NAME} of os-release, else "Linux"
     * @param architecture    as {@code uname -m} names it ({@code x86_64}, {@code aarch64})
     * @param memoryBytes     {@code MemTotal}
     * @param dataDir         the agent's {@code --data-dir}
     */
    public record Host(String kernelVersion, String operatingSystem, String osType, String architecture, int cpus,
                       long memoryBytes, String dataDir) {
    }

    /**
     * @param loadBalancer     what balances VIPs and published ports: "ipvs" or "userspace"
     * @param loadBalancerFlag what {@code --lb} asked for: the same, or "auto"
     * @param dataPlane        what switches the overlay: "kernel" or "userspace"
     * @param dataPlaneFlag    what {@code --dataplane} asked for: the same, or "auto"
     * @param dataPathPort     the VXLAN UDP port ({@code --data-path-port})
     */
    public record Network(String loadBalancer, String loadBalancerFlag, String dataPlane, String dataPlaneFlag,
                          int dataPathPort) {
    }

    /**
     * @param nodeAddr        the address other nodes reach this one at
     * @param managerAddrs    the managers' cluster addresses, sorted
     * @param error           why a manager cannot describe the cluster now (no leader), else null
     * @param cluster         the cluster as this manager's store has it; null on a worker, or without a leader
     * @param raft            what this manager's Raft server runs with; null on a worker
     */
    public record Member(String nodeAddr, List<String> managerAddrs, String error, Cluster cluster, Raft raft) {
    }

    /**
     * @param subnetSize the prefix length of subnets taken from {@code defaultAddrPool}
     * @param autolock   whether a restarted manager needs the unlock key
     */
    public record Cluster(int managers, int nodes, String defaultAddrPool, int subnetSize, boolean autolock) {
    }

    /**
     * @param electionTimeoutMillis    the shortest wait for the leader before standing for election
     * @param electionTimeoutMaxMillis the longest (each wait is random between the two)
     * @param heartbeatIntervalMillis  how often the leader sends to an idle follower
     * @param requestTimeoutMillis     how long a change may wait to commit
     */
    public record Raft(long electionTimeoutMillis, long electionTimeoutMaxMillis, long heartbeatIntervalMillis,
                       long requestTimeoutMillis) {
    }
}
