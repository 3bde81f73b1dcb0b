package io.trellis.daemon;

import io.trellis.api.InfoView;
import io.trellis.api.Version;
import io.trellis.controlplane.dispatcher.Dispatcher;
import io.trellis.controlplane.raft.RaftTimings;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import java.util.List;

/**
 * {@code GET /info}: the agent, its host and its part in the swarm, in Docker's {@code docker info} terms. Only
 * counts and settings leave the cluster record: never its CA key, join tokens or unlock key.
 */
final class InfoViews {
    static final String ACTIVE = "active";
    static final String STARTING = "starting";
    static final String LOCKED = "locked";
    static final String INACTIVE = "inactive";

    private InfoViews() {
    }

    /**
     * @param manager  this node's manager side, or null on a worker (and before it started)
     * @param runtimes the task runtimes the node can use now
     */
    static InfoView of(String state, SwarmIdentity id, ControlPlane manager, AgentConfiguration cfg, String runtimes) {
        // Like Docker, a locked node says no more than that it is locked.
        InfoView.Member member = id != null && (state.equals(ACTIVE) || state.equals(STARTING))
                ? member(id, manager) : null;
        return new InfoView(state, id == null ? "" : id.nodeId(), id == null ? "" : id.clusterId(), cfg.hostname(),
                manager != null, manager != null && manager.isLeader(), Version.current(), runtimes,
                HostFacts.read(cfg.dataDir()), network(cfg), member);
    }

    static InfoView.Network network(AgentConfiguration cfg) {
        return new InfoView.Network(cfg.lb().flag(), cfg.lbFlag(), cfg.dataPath().flag(),
                cfg.dataPathFlag(), cfg.dataPathPort());
    }

    /** A worker knows the managers it last heard of; a manager with a leader answers from its store. */
    static InfoView.Member member(SwarmIdentity id, ControlPlane manager) {
        if (manager == null) {
            return new InfoView.Member(id.advertiseAddr(), sorted(id.managers()), null, null, null);
        }
        InfoView.Raft raft = raft(manager.raftTimings());
        if (manager.leaderId().isEmpty()) {
            // Its store may be stale: no counts rather than wrong ones (Docker shows the error too).
            return new InfoView.Member(id.advertiseAddr(), sorted(id.managers()), AgentDaemon.NO_LEADER, null, raft);
        }
        ClusterSnapshot view = manager.store().view();
        List<String> managers = managerAddrs(view);
        return new InfoView.Member(id.advertiseAddr(), managers.isEmpty() ? sorted(id.managers()) : managers, null,
                cluster(view), raft);
    }

    /** Docker's Managers, Nodes, Default Address Pool, SubnetSize and Autolock Managers; null before init. */
    static InfoView.Cluster cluster(ClusterSnapshot view) {
        ClusterInfo c = view.cluster();
        if (c == null) {
            return null;
        }
        int managers = (int) view.nodes().values().stream().filter(n -> n.role() == Node.Role.MANAGER).count();
        return new InfoView.Cluster(managers, view.nodes().size(), c.addressPool(), c.subnetSize(),
                c.unlockKey() != null);
    }

    /** The managers' cluster addresses, sorted as Docker prints them. */
    static List<String> managerAddrs(ClusterSnapshot view) {
        return sorted(Dispatcher.managers(view));
    }

    static InfoView.Raft raft(RaftTimings t) {
        return new InfoView.Raft(t.electionTimeout().toMillis(), t.electionTimeoutMax().toMillis(),
                t.heartbeatInterval().toMillis(), t.requestTimeout().toMillis());
    }

    private static List<String> sorted(List<String> addrs) {
        return addrs.stream().sorted().toList();
    }
}
