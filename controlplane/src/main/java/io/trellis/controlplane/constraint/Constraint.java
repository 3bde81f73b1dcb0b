package io.trellis.controlplane.constraint;

import io.trellis.controlplane.store.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One placement constraint, {@code KEY==VALUE} or {@code KEY!=VALUE} (swarmkit
 * {@code manager/constraint}). Keys: {@code node.id}, {@code node.hostname}, {@code node.role},
 * {@code node.labels.NAME}. Values compare case-insensitively, as in Swarm; a missing label reads as
 * the empty string, so {@code node.labels.zone!=a} holds on a node without a zone.
 */
public record Constraint(String key, boolean equal, String value) {
    public static final String NODE_ID = "node.id";
    public static final String NODE_HOSTNAME = "node.hostname";
    public static final String NODE_ROLE = "node.role";
    public static final String NODE_LABELS = "node.labels.";

    // swarmkit's patterns: no operators or quotes inside keys or values.
    private static final Pattern KEY = Pattern.compile("(?i)[a-z_][a-z0-9\\-_.]+");
    private static final Pattern VALUE = Pattern.compile("(?i)[a-z0-9:\\-_\\s.*()?+\\[\\]\\\\^$|/]+");

    /**
     * Parses one expression.
     *
     * @throws IllegalArgumentException with a one-line message naming the expression and what is allowed
     */
    public static Constraint parse(String expression) {
        String e = expression == null ? "" : expression;
        int eq = e.indexOf("==");
        int ne = e.indexOf("!=");
        if (occurrences(e, "==") + occurrences(e, "!=") != 1) {
            throw invalid(e, "expected KEY==VALUE or KEY!=VALUE");
        }
        int at = eq >= 0 ? eq : ne;
        String key = e.substring(0, at).strip();
        String value = e.substring(at + 2).strip();
        if (!KEY.matcher(key).matches()) {
            throw invalid(e, "key \"" + key + "\" is invalid");
        }
        String lower = key.toLowerCase(Locale.ROOT);
        boolean label = lower.startsWith(NODE_LABELS) && key.length() > NODE_LABELS.length();
        if (!label && !lower.equals(NODE_ID) && !lower.equals(NODE_HOSTNAME) && !lower.equals(NODE_ROLE)) {
            throw invalid(e, "KEY must be node.id, node.hostname, node.role or node.labels.NAME");
        }
        if (!VALUE.matcher(value).matches()) {
            throw invalid(e, "value \"" + value + "\" is invalid");
        }
        if (lower.equals(NODE_ROLE) && !value.equalsIgnoreCase("manager") && !value.equalsIgnoreCase("worker")) {
            throw invalid(e, "node.role is manager or worker");
        }
        // Label names are case-sensitive; the fixed keys are not.
        return new Constraint(label ? NODE_LABELS + key.substring(NODE_LABELS.length()) : lower, eq >= 0, value);
    }

    /** Parses every expression; the first bad one throws. */
    public static List<Constraint> parseAll(List<String> expressions) {
        List<Constraint> out = new ArrayList<>(expressions.size());
        for (String e : expressions) {
            out.add(parse(e));
        }
        return List.copyOf(out);
    }

    /** True when every constraint holds on {@code node} (several constraints mean AND). */
    public static boolean matchAll(List<Constraint> constraints, Node node) {
        for (Constraint c : constraints) {
            if (!c.matches(node)) {
                return false;
            }
        }
        return true;
    }

    public boolean matches(Node node) {
        String actual = switch (key) {
            case NODE_ID -> node.id();
            case NODE_HOSTNAME -> node.hostname();
            case NODE_ROLE -> node.role().name();
            default -> node.labels().getOrDefault(key.substring(NODE_LABELS.length()), "");
        };
        return equal == value.equalsIgnoreCase(actual == null ? "" : actual);
    }

    @Override
    public String toString() {
        return key + (equal ? "==" : "!=") + value;
    }

    private static int occurrences(String s, String operator) {
        int n = 0;
        for (int i = s.indexOf(operator); i >= 0; i = s.indexOf(operator, i + 1)) {
            n++;
        }
        return n;
    }

    private static IllegalArgumentException invalid(String e, String why) {
        return new IllegalArgumentException("invalid constraint \"" + e + "\": " + why);
    }
}
