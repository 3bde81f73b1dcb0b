package io.trellis.daemon;

import io.trellis.controlplane.raft.RaftTimeouts;
import io.trellis.daemon.lb.LbMode;
import io.trellis.daemon.network.DataPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything {@code trellis agent} is started with; each default sits next to its name.
 *
 * @param dataDir       Raft log, snapshots, task folders
 * @param host          where the admin API listens ({@code unix:///path} or {@code tcp://127.0.0.1:port})
 * @param adminAddr     optional second admin listener on TCP (host:port), null when off
 * @param hostname      the node's name in {@code node ls}
 * @param advertiseAddr the address other nodes and Raft peers reach this node at
 * @param raftPort      Raft RPC port between managers
 * @param netnsDir      where task network namespaces are pinned
 * @param dataPathPort  UDP port of the VXLAN overlay (every node of a cluster must use the same)
 * @param espPort       UDP port of encrypted overlays' ESP (the same on every node)
 * @param networkKeyRotation how often the leader replaces each encrypted network's key
 * @param stopGrace     SIGTERM to SIGKILL delay when stopping a task
 * @param heartbeatPeriod how often nodes heartbeat to the leader (when this node leads)
 * @param ingressIdleTimeout how long a published port keeps an idle TCP connection before resetting it
 * @param nodePort      TCP port of the node port (exec, task logs) on the advertise address (the same on every node)
 * @param sandboxHide   directories every task sees as empty, besides the data and run directories
 *                      ({@code --sandbox-hide})
 * @param dataPath      which code switches the overlay ({@code --dataplane}, resolved at start)
 * @param lb            what balances VIPs and published ports ({@code --lb}, resolved at start)
 * @param raftTimeouts  Raft's election and request timeouts as a manager ({@code --raft-election-timeout},
 *                      {@code --raft-request-timeout})
 * @param lbFlag        what {@code --lb} said ({@code auto} included), for {@code trellis info}; {@code lb} is what
 *                      it came to
 * @param dataPathFlag  likewise what {@code --dataplane} said
 */
public record AgentConfiguration(
        Path dataDir,
        String host,
        String adminAddr,
        String hostname,
        String advertiseAddr,
        int raftPort,
        Path netnsDir,
        Duration stopGrace,
        Duration heartbeatPeriod,
        int dataPathPort,
        int espPort,
        Duration networkKeyRotation,
        Duration ingressIdleTimeout,
        int nodePort,
        List<Path> sandboxHide,
        DataPath dataPath,
        LbMode lb,
        RaftTimeouts raftTimeouts,
        String lbFlag,
        String dataPathFlag) {

    public AgentConfiguration {
        lb = lb == null ? LbMode.USERSPACE : lb;
        raftTimeouts = raftTimeouts == null ? RaftTimeouts.DEFAULT : raftTimeouts;
        sandboxHide = sandboxHide == null ? List.of() : List.copyOf(sandboxHide);
        dataPath = dataPath == null ? DataPath.USERSPACE : dataPath;
        lbFlag = lbFlag == null ? lb.flag() : lbFlag;
        dataPathFlag = dataPathFlag == null ? dataPath.flag() : dataPathFlag;
    }

    public static final Path DATA_DIR_DEFAULT = Path.of("/var/lib/trellis");
    public static final String ADVERTISE_ADDR_DEFAULT = "127.0.0.1";
    public static final int RAFT_PORT_DEFAULT = 2378;
    /** Cluster API and dispatcher (mTLS) port, like Swarm's. */
    public static final int CLUSTER_PORT_DEFAULT = 2377;
    public static final Path NETNS_DIR_DEFAULT = Path.of("/run/trellis/netns");

    public Path raftDir() {
        return dataDir.resolve("raft");
    }

    /** The Raft data key, sealed, and (unless autolocked) the key that opens it. */
    public Path keysDir() {
        return dataDir.resolve("keys");
    }

    /** This node's certificate, key and the root CA certificate (PEM). */
    public Path certsDir() {
        return dataDir.resolve("certs");
    }

    public Path tasksDir() {
        return dataDir.resolve("tasks");
    }

    public Path identityFile() {
        return dataDir.resolve("swarm.json");
    }
}
