package io.trellis.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A service's {@code --network}: {@code NAME}, or Docker's long form {@code name=NAME,alias=A,alias=B}.
 * Parsed the same way by the CLI (to refuse a bad one before it calls) and by the agent.
 */
public record NetworkOption(String network, List<String> aliases) {

    public NetworkOption {
        aliases = List.copyOf(aliases);
    }

    /** @throws IllegalArgumentException with a one-line reason */
    public static NetworkOption parse(String flag, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("invalid " + flag + " \"\": give a network name");
        }
        if (value.indexOf('=') < 0) {
            return new NetworkOption(value, List.of());
        }
        String name = null;
        List<String> aliases = new ArrayList<>();
        for (String field : value.split(",", -1)) {
            int eq = field.indexOf('=');
            String key = eq < 0 ? field : field.substring(0, eq);
            String v = eq < 0 ? "" : field.substring(eq + 1);
            if (v.isEmpty()) {
                throw new IllegalArgumentException("invalid " + flag + " \"" + value + "\": " + key
                        + " needs a value (name=NAME,alias=ALIAS)");
            }
            switch (key) {
                case "name" -> {
                    if (name != null) {
                        throw new IllegalArgumentException("invalid " + flag + " \"" + value + "\": name given twice");
                    }
                    name = v;
                }
                case "alias" -> aliases.add(v);
                default -> throw new IllegalArgumentException("invalid " + flag + " \"" + value + "\": unknown field "
                        + key + " (use name=NAME,alias=ALIAS)");
            }
        }
        if (name == null) {
            throw new IllegalArgumentException("invalid " + flag + " \"" + value + "\": name=NAME is missing");
        }
        return new NetworkOption(name, aliases);
    }
}
