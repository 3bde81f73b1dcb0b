package io.trellis.controlplane.api;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code --container-label KEY=VALUE} of {@code service create} and {@code --container-label-add/-rm} of
 * {@code service update}. Keys under {@code io.trellis.} and {@code com.docker.swarm.} are the runtime's own (a
 * restarted agent finds its containers by them), so a user label may not set one.
 */
public final class ContainerLabelOptions {
    private static final List<String> RESERVED = List.of("io.trellis.", "com.docker.swarm.");

    private ContainerLabelOptions() {
    }

    /** {@code KEY=VALUE} options as a map; a key alone has the empty value, as in Docker. */
    public static Map<String, String> parse(String flag, List<String> options) {
        Map<String, String> out = new TreeMap<>();
        for (String o : options) {
            int eq = o.indexOf('=');
            String key = eq < 0 ? o : o.substring(0, eq);
            out.put(checkedKey(flag, key), eq < 0 ? "" : o.substring(eq + 1));
        }
        return out;
    }

    /** {@code service update}: additions replace or add, then removals by key, as Docker orders them. */
    public static Map<String, String> update(Map<String, String> current, List<String> add, List<String> rm) {
        Map<String, String> next = new TreeMap<>(current);
        next.putAll(parse("--container-label-add", add));
        for (String key : rm) {
            next.remove(checkedKey("--container-label-rm", key));
        }
        return next;
    }

    /** Refuses a label set that did not come through the flags (a stored spec, another client). */
    public static void check(Map<String, String> labels) {
        labels.keySet().forEach(k -> checkedKey("--container-label", k));
    }

    private static String checkedKey(String flag, String key) {
        if (key.isEmpty() || key.chars().anyMatch(c -> Character.isWhitespace(c) || c == 0)) {
            throw ApiException.invalid("invalid " + flag + " \"" + key + "\": the key must not be empty or hold"
                    + " whitespace");
        }
        String lower = key.toLowerCase(Locale.ROOT);
        for (String prefix : RESERVED) {
            if (lower.startsWith(prefix)) {
                throw ApiException.invalid("invalid " + flag + " \"" + key + "\": keys under " + prefix
                        + " are set by the runtime");
            }
        }
        return key;
    }
}
