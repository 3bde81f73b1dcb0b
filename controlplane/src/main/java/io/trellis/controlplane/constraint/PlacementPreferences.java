package io.trellis.controlplane.constraint;

import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.PlacementPreference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses {@code --placement-pref spread=node.labels.NAME} (Docker's only strategy and the only descriptor
 * swarmkit spreads on besides engine labels, which nodes here do not have) and applies
 * {@code --placement-pref-add/-rm}.
 */
public final class PlacementPreferences {
    private static final String SPREAD = "spread=";
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9\\-_.]*");

    private PlacementPreferences() {
    }

    /**
     * One option.
     *
     * @throws IllegalArgumentException one line naming the option and what is allowed
     */
    public static PlacementPreference parse(String option) {
        String o = option == null ? "" : option.strip();
        if (!o.toLowerCase(Locale.ROOT).startsWith(SPREAD)) {
            throw invalid(o, "expected spread=node.labels.NAME");
        }
        String descriptor = o.substring(SPREAD.length()).strip();
        String lower = descriptor.toLowerCase(Locale.ROOT);
        if (lower.startsWith("engine.labels.")) {
            throw invalid(o, "engine labels are not supported here; spread over node.labels.NAME");
        }
        if (!lower.startsWith(PlacementPreference.NODE_LABELS)
                || !LABEL.matcher(descriptor.substring(PlacementPreference.NODE_LABELS.length())).matches()) {
            throw invalid(o, "expected spread=node.labels.NAME");
        }
        // Label names are case-sensitive, the prefix is not (as for constraints).
        return new PlacementPreference(PlacementPreference.NODE_LABELS
                + descriptor.substring(PlacementPreference.NODE_LABELS.length()));
    }

    public static List<PlacementPreference> parseAll(List<String> options) {
        List<PlacementPreference> out = new ArrayList<>();
        for (String o : options == null ? List.<String>of() : options) {
            out.add(parse(o));
        }
        return List.copyOf(out);
    }

    /**
     * {@code service update}, in Docker's order: removals (by descriptor) from the current list, then additions
     * appended. Every option is parsed before anything is applied.
     */
    public static List<PlacementPreference> update(List<PlacementPreference> current, List<String> add,
                                                   List<String> rm) {
        List<PlacementPreference> added = parseAll(add);
        List<PlacementPreference> removed = parseAll(rm);
        List<PlacementPreference> next = new ArrayList<>(current);
        next.removeAll(removed);
        next.addAll(added);
        return List.copyOf(next);
    }

    /** The node's value for the preference's label; a node without it is in the group of the empty value. */
    public static String value(PlacementPreference p, Node node) {
        return node.labels().getOrDefault(p.label(), "");
    }

    private static IllegalArgumentException invalid(String option, String why) {
        return new IllegalArgumentException("invalid placement preference \"" + option + "\": " + why);
    }
}
