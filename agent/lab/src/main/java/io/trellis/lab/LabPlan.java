package io.trellis.lab;

import java.util.Optional;

/**
 * The shape of a lab cluster: {@code nodes} nodes, of which the first {@code managers} are swarm
 * managers and the rest workers. Checked before anything is touched, so bad input changes nothing.
 */
public record LabPlan(int nodes, int managers) {
    public static final int NODES_MAX = 9;
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
