package io.trellis.stack.compose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One node of a composed YAML document with its key path ({@code services.web.ports[0]}): every read checks
 * the node's kind and every error names the file and line of the node, then the path. Scalars are read as
 * text (after {@link Interpolation}) and converted by the key that holds them, as compose does.
 */
final class Cursor {
    /** Deeper than any compose file: a recursive alias would otherwise recurse until the stack overflows. */
    private static final int MAX_DEPTH = 32;
    private final Node node;
    private final String path;
    private final Interpolation interpolation;
    private final int depth;

    Cursor(Node node, String path, Interpolation interpolation) {
        this(node, path, interpolation, 0);
    }

    private Cursor(Node node, String path, Interpolation interpolation, int depth) {
        if (depth > MAX_DEPTH) {
            throw error(node, path, "nested more than " + MAX_DEPTH + " levels deep");
        }
        this.node = node;
        this.path = path;
        this.interpolation = interpolation;
        this.depth = depth;
    }

    String path() {
        return path;
    }

    /** The last part of the path: the key this value sits under. */
    String key() {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    ComposeException error(String message) {
        return error(node, path, message);
    }

    static ComposeException error(Node at, String path, String message) {
        return new ComposeException(where(at) + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    /** {@code file:line} of this node, for messages about it once the file is merged into others. */
    String where() {
        return where(node);
    }

    private static String where(Node at) {
        Mark mark = at.getStartMark().orElse(null);
        return mark == null ? "?" : mark.getName() + ":" + (mark.getLine() + 1);
    }

    boolean isNull() {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    boolean isSequence() {
        return node instanceof SequenceNode;
    }

    boolean isScalar() {
        return node instanceof ScalarNode && !isNull();
    }

    /** A scalar as text, variables substituted; a mapping, list or null is refused. */
    String text() {
        if (!isScalar()) {
            throw error("expected a string, number or boolean" + found());
        }
        return interpolation.apply(((ScalarNode) node).getValue(), this::error);
    }

    int integer(int min, int max) {
        String t = text().strip();
        try {
            int n = Integer.parseInt(t);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw error("invalid number " + quoted(t) + ": expected a whole number from " + min + " to " + max);
    }

    boolean bool() {
        String t = text().strip().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) {
            return t.equals("true");
        }
        throw error("invalid boolean " + quoted(t) + ": expected true or false");
    }

    /** Text from a fixed set of choices, compared without case and returned in lower case. */
    String choice(String... choices) {
        String t = text().strip().toLowerCase(Locale.ROOT);
        for (String c : choices) {
            if (c.equals(t)) {
                return c;
            }
        }
        throw error("invalid value " + quoted(t) + ": expected " + String.join(", ", choices));
    }

    List<Cursor> sequence() {
        if (!isSequence()) {
            throw error("expected a list" + found());
        }
        List<Node> items = ((SequenceNode) node).getValue();
        List<Cursor> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(new Cursor(items.get(i), path + "[" + i + "]", interpolation, depth + 1));
        }
        return out;
    }

    /** A list of strings; a single string is refused. */
    List<String> texts() {
        List<String> out = new ArrayList<>();
        for (Cursor c : sequence()) {
            out.add(c.text());
        }
        return out;
    }

    /**
     * The entries of a mapping, in order. Keys outside {@code allowed} are refused (Docker's validator refuses
     * them too), except extension keys ({@code x-...}), which are skipped. {@code <<} merges the mappings it names,
     * explicit keys winning; a key given twice is refused.
     *
     * @param allowed {@code null}: any key (user-named entries such as services and labels)
     */
    Map<String, Cursor> mapping(Set<String> allowed) {
        if (!isMapping()) {
            throw error("expected a mapping" + found());
        }
        Map<String, Cursor> explicit = new LinkedHashMap<>();
        List<Cursor> merged = new ArrayList<>();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode keyNode) || Tag.NULL.equals(keyNode.getTag())) {
                throw error(t.getKeyNode(), path, "keys must be strings");
            }
            String key = keyNode.getValue();
            String childPath = path.isEmpty() ? key : path + "." + key;
            if (key.equals("<<") && keyNode.isPlain()) {
                merged.add(new Cursor(t.getValueNode(), path, interpolation, depth + 1));
                continue;
            }
            if (explicit.containsKey(key)) {
                throw error(keyNode, childPath, "duplicate key");
            }
            if (allowed != null && !allowed.contains(key) && !key.startsWith("x-")) {
                throw error(keyNode, childPath, "unknown key");
            }
            if (!key.startsWith("x-") || allowed == null) {
                explicit.put(key, new Cursor(t.getValueNode(), childPath, interpolation, depth + 1));
            }
        }
        if (merged.isEmpty()) {
            return explicit;
        }
        Map<String, Cursor> out = new LinkedHashMap<>(explicit);
        for (Cursor m : merged) {
            for (Cursor source : m.isSequence() ? m.sequence() : List.of(m)) {
                for (Map.Entry<String, Cursor> e : new Cursor(source.node, path, interpolation, source.depth).mapping(allowed)
                        .entrySet()) {
                    out.putIfAbsent(e.getKey(), e.getValue());
                }
            }
        }
        return out;
    }

    /**
     * A mapping of strings, or a list of {@code KEY=VALUE} (compose's "list or dict"); a list entry without
     * {@code =} maps to {@code null}, as does a mapping entry without a value.
     */
    Map<String, String> stringMap() {
        Map<String, String> out = new LinkedHashMap<>();
        if (isSequence()) {
            for (Cursor c : sequence()) {
                String entry = c.text();
                int eq = entry.indexOf('=');
                String key = eq < 0 ? entry : entry.substring(0, eq);
                if (key.isBlank()) {
                    throw c.error("invalid entry " + quoted(entry) + ": expected KEY=VALUE");
                }
                if (out.containsKey(key)) {
                    throw c.error("duplicate key " + key);
                }
                out.put(key, eq < 0 ? null : entry.substring(eq + 1));
            }
            return out;
        }
        if (!isMapping()) {
            throw error("expected a mapping or a list of KEY=VALUE" + found());
        }
        mapping(null).forEach((k, v) -> out.put(k, v.isNull() ? null : v.text()));
        return out;
    }

    private String found() {
        return isNull() ? ", found nothing" : isMapping() ? ", found a mapping" : isSequence() ? ", found a list"
                : ", found " + quoted(((ScalarNode) node).getValue());
    }

    /** A value as a message shows it: on one line, and not too long. */
    static String quoted(String value) {
        String v = value.length() > 60 ? value.substring(0, 57) + "..." : value;
        return "\"" + v.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\"", "\\\"") + "\"";
    }
}
