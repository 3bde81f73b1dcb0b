package io.trellis.controlplane.store;

/**
 * One {@code --placement-pref}: spread the service's tasks evenly over the values of a node label (Docker's
 * {@code PlacementPreference} with its only strategy, {@code Spread}).
 *
 * @param spread the spread descriptor, {@code node.labels.NAME}
 */
public record PlacementPreference(String spread) {
    public static final String NODE_LABELS = "node.labels.";

    /** The label whose values the tasks spread over. */
    public String label() {
        return spread.substring(NODE_LABELS.length());
    }

    /** How {@code service create --placement-pref} spells it, and how {@code --placement-pref-rm} names it. */
    @Override
    public String toString() {
        return "spread=" + spread;
    }
}
