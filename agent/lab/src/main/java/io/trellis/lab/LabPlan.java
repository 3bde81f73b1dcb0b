package io.trellis.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of a lab cluster: {@code nodes} nodes, of which the first {@code managers} are swarm
 * managers and the rest workers. Checked before anything is touched, so bad input changes nothing.
 *
 * @param agentFlags extra {@code trellis agent} flags ({@code --agent-flag}): {@code --lb=ipvs} for every node, or
 *                   {@code node3:--dataplane=kernel} for one (a mixed cluster)
 * @param timeout    how long {@code lab up} waits for each agent to answer and for each swarm step to succeed
 */
public record LabPlan(int nodes, int managers, List<String> agentFlags, Duration timeout) {
    public static final int NODES_MAX = 9;
    /** Ample on a host that runs the agent natively; an emulated or heavily loaded host needs more. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TIMEOUT_MIN = Duration.ofSeconds(10);
    private static final Duration TIMEOUT_MAX = Duration.ofMinutes(30);
    public static final String MANAGER = "manager";
    public static final String WORKER = "worker";

    /** @throws IllegalArgumentException one line naming the bad flag and what is allowed */
    public LabPlan {
        if (nodes < 1 || nodes > NODES_MAX) {
            throw new IllegalArgumentException("invalid --nodes " + nodes + ": must be between 1 and " + NODES_MAX);
        }
        if (managers < 1 || managers > nodes) {
            throw new IllegalArgumentException("invalid --managers " + managers + ": must be between 1 and --nodes ("
                    + nodes + ")");
        }
        if (timeout.compareTo(TIMEOUT_MIN) < 0 || timeout.compareTo(TIMEOUT_MAX) > 0) {
            throw new IllegalArgumentException("invalid --timeout " + timeout.toMillis() + "ms: must be between "
                    + TIMEOUT_MIN.toSeconds() + "s and " + TIMEOUT_MAX.toMinutes() + "m");
        }
        agentFlags = agentFlags == null ? List.of() : List.copyOf(agentFlags);
        for (String f : agentFlags) {
            Matcher m = NODE_FLAG.matcher(f);
            if (!m.matches()) {
                throw new IllegalArgumentException("invalid --agent-flag " + f + ": must be --flag[=value] or nodeN:--flag[=value]");
            }
            if (m.group(1) != null && Integer.parseInt(m.group(1)) > nodes) {
                throw new IllegalArgumentException("invalid --agent-flag " + f + ": the lab has only " + nodes + " nodes");
            }
        }
    }

    public LabPlan(int nodes, int managers) {
        this(nodes, managers, List.of(), DEFAULT_TIMEOUT);
    }

    private static final Pattern NODE_FLAG = Pattern.compile("(?:node([1-9]):)?(--[a-z][a-z-]*(?:=.*)?)");

    /** The extra agent flags of node {@code index} (1-based), in the order given. */
    public List<String> flagsOf(int index) {
        List<String> out = new ArrayList<>();
        for (String f : agentFlags) {
            Matcher m = NODE_FLAG.matcher(f);
            if (m.matches() && (m.group(1) == null || Integer.parseInt(m.group(1)) == index)) {
                out.add(m.group(2));
            }
        }
        return out;
    }

    /** What node {@code index} (1-based) starts with: the lab's heartbeat unless an {@code --agent-flag} sets one. */
    public List<String> agentFlagsOf(int index) {
        List<String> own = flagsOf(index);
        List<String> out = new ArrayList<>();
        if (own.stream().noneMatch(f -> f.startsWith("--heartbeat-period="))) {
            out.addAll(List.of("--heartbeat-period", Lab.HEARTBEAT_PERIOD));
        }
        out.addAll(own);
        return out;
    }

    /** "manager" or "worker" for node {@code index} (1-based): node1 initialises, so it is always a manager. */
    public String roleOf(int index) {
        return index <= managers ? MANAGER : WORKER;
    }

    /**
     * Raft needs a majority of managers, so an even count tolerates no more failures than one manager
     * fewer (Swarm's admin guide: keep an odd number of managers).
     */
    public Optional<String> quorumWarning() {
        if (managers % 2 == 1) {
            return Optional.empty();
        }
        int tolerated = (managers - 1) / 2;
        return Optional.of("warning: " + managers + " managers keep quorum through at most " + tolerated
                + " manager failure" + (tolerated == 1 ? "" : "s") + ", no more than " + (managers - 1)
                + " would; use an odd number of managers");
    }
}
