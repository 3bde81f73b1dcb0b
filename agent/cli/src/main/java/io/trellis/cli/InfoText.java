package io.trellis.cli;

import io.trellis.api.InfoView;
import io.trellis.api.Json;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * {@code trellis info} as text: Docker's {@code docker info} layout and labels where Docker has the field, with a
 * {@code Network:} block for what only Trellis chooses per node. Blocks an older agent does not send are left out.
 */
final class InfoText {
    private InfoText() {
    }

    static String render(InfoView v) {
        StringBuilder b = new StringBuilder("Server:\n");
        line(b, 1, "Server Version", v.version());
        line(b, 1, "Swarm", swarmState(v.swarm()));
        if (v.member() != null) {
            member(b, v);
        }
        line(b, 1, "Runtimes", runtimes(v.runtime()));
        if (v.network() != null) {
            network(b, v.network());
        }
        InfoView.Host h = v.host();
        if (h != null) {
            line(b, 1, "Kernel Version", h.kernelVersion());
            line(b, 1, "Operating System", h.operatingSystem());
            line(b, 1, "OSType", h.osType());
            line(b, 1, "Architecture", h.architecture());
            line(b, 1, "CPUs", h.cpus());
            line(b, 1, "Total Memory", HealthText.memory(h.memoryBytes()));
        }
        line(b, 1, "Name", v.hostname());
        if (h != null) {
            line(b, 1, "Trellis Data Dir", h.dataDir());
        }
        return b.toString();
    }

    /** {@code --format json}: the agent's view as one JSON object, as the other commands print theirs. */
    static String json(InfoView v) {
        return Json.pretty(v);
    }

    /** Docker's LocalNodeState names: the agent's "starting" (restoring its store) is Docker's "pending". */
    static String swarmState(String agentState) {
        return "starting".equals(agentState) ? "pending" : agentState;
    }

    /** Docker's swarm block: what a worker knows, then what only a manager with a leader can count. */
    private static void member(StringBuilder b, InfoView v) {
        InfoView.Member m = v.member();
        line(b, 2, "NodeID", v.nodeId());
        if (m.error() != null) {
            line(b, 2, "Error", m.error());
        }
        line(b, 2, "Is Manager", v.manager());
        InfoView.Cluster c = m.cluster();
        if (c != null) {
            line(b, 2, "ClusterID", v.clusterId());
            line(b, 2, "Managers", c.managers());
            line(b, 2, "Nodes", c.nodes());
            line(b, 2, "Default Address Pool", c.defaultAddrPool());
            line(b, 2, "SubnetSize", c.subnetSize());
        }
        if (m.raft() != null) {
            InfoView.Raft r = m.raft();
            b.append("  Raft:\n");
            line(b, 3, "Election Timeout", millis(r.electionTimeoutMillis()));
            line(b, 3, "Heartbeat Interval", millis(r.heartbeatIntervalMillis()));
            line(b, 3, "Request Timeout", millis(r.requestTimeoutMillis()));
        }
        if (c != null) {
            line(b, 2, "Autolock Managers", c.autolock());
        }
        line(b, 2, "Node Address", m.nodeAddr());
        if (m.managerAddrs() != null && !m.managerAddrs().isEmpty()) {
            b.append("  Manager Addresses:\n");
            m.managerAddrs().forEach(a -> b.append("   ").append(a).append('\n'));
        }
    }

    private static void network(StringBuilder b, InfoView.Network n) {
        b.append(" Network:\n");
        line(b, 2, "Load Balancer", chosen(n.loadBalancer(), n.loadBalancerFlag()));
        line(b, 2, "Data Plane", chosen(n.dataPlane(), n.dataPlaneFlag()));
        line(b, 2, "Data Path Port", n.dataPathPort());
    }

    /** What is in effect, and that {@code auto} chose it. */
    private static String chosen(String inEffect, String flag) {
        return flag == null || flag.equals(inEffect) ? inEffect : inEffect + " (" + flag + ")";
    }

    /** {@code process, docker} as Docker lists runtimes: space-separated. */
    private static String runtimes(String agentList) {
        return agentList == null ? "" : Arrays.stream(agentList.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.joining(" "));
    }

    private static String millis(long ms) {
        return DurationText.format(Duration.ofMillis(ms));
    }

    private static void line(StringBuilder b, int indent, String label, Object value) {
        b.append(" ".repeat(indent)).append(label).append(": ").append(value).append('\n');
    }
}
