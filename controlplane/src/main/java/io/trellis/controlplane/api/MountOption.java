package io.trellis.controlplane.api;

import io.trellis.controlplane.store.Mount;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses {@code --mount} the way the Docker CLI does: comma-separated {@code KEY=VALUE} fields,
 * {@code type} ({@code volume} by default, {@code bind}, {@code tmpfs}), {@code source}/{@code src},
 * {@code target}/{@code destination}/{@code dst}, {@code readonly}/{@code ro} (alone or
 * {@code =true|false|1|0}) and {@code tmpfs-size}. Targets are absolute, never {@code /} and never
 * {@code /run/secrets} or below it, where the secrets go.
 */
public final class MountOption {
    /** Docker's {@code RestrictedNamePattern} for volume names; the length keeps it one file name. */
    private static final Pattern VOLUME_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{1,254}");
    private static final Path SECRETS = Path.of("/run/secrets");

    private MountOption() {
    }

    public static Mount parse(String flag, String text) {
        if (text == null || text.isBlank()) {
            throw invalid(flag, text, "give type=volume|bind|tmpfs,source=...,target=...");
        }
        Map<String, String> fields = fields(flag, text);
        Mount.Type type = type(flag, text, fields.getOrDefault("type", "volume"));
        String source = fields.get("source");
        String target = fields.get("target");
        boolean readOnly = fields.containsKey("readonly") && bool(flag, text, fields.get("readonly"));
        String size = fields.get("tmpfs-size");
        if (target == null || target.isEmpty()) {
            throw invalid(flag, text, "target is required");
        }
        target = target(flag, text, target);
        if (size != null && type != Mount.Type.TMPFS) {
            throw invalid(flag, text, "tmpfs-size is for type=tmpfs only");
        }
        return switch (type) {
            case VOLUME -> Mount.volume(volumeName(flag, text, source), target, readOnly);
            case BIND -> Mount.bind(bindSource(flag, text, source), target, readOnly);
            case TMPFS -> {
                if (source != null) {
                    throw invalid(flag, text, "a tmpfs takes no source");
                }
                long bytes = size == null ? 0 : ResourceOptions.bytes(flag + " tmpfs-size", size);
                yield new Mount(Mount.Type.TMPFS, null, target, readOnly, bytes);
            }
        };
    }

    /** Every {@code --mount} value parsed; two mounts at one target are refused. */
    public static List<Mount> parseAll(String flag, List<String> texts) {
        List<Mount> out = new ArrayList<>();
        for (String t : texts == null ? List.<String>of() : texts) {
            out.add(parse(flag, t));
        }
        checkTargets(flag, out);
        return out;
    }

    /** {@code service update}: {@code current} without the targets in {@code rm}, then with {@code add}. */
    public static List<Mount> update(String service, List<Mount> current, List<String> add, List<String> rm) {
        List<Mount> next = new ArrayList<>(current);
        for (String r : rm) {
            String target = r == null ? "" : r.strip();
            if (!next.removeIf(m -> m.target().equals(target) || m.target().equals(normalized(target)))) {
                throw ApiException.invalid("service " + service + " has no mount at " + r);
            }
        }
        next.addAll(parseAll("--mount-add", add));
        checkTargets("--mount-add", next);
        return next;
    }

    static void checkTargets(String flag, List<Mount> mounts) {
        Set<String> seen = new HashSet<>();
        for (Mount m : mounts) {
            if (!seen.add(m.target())) {
                throw ApiException.invalid("invalid " + flag + ": two mounts have the target " + m.target());
            }
        }
    }

    private static Map<String, String> fields(String flag, String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : text.split(",", -1)) {
            int eq = part.indexOf('=');
            String key = (eq < 0 ? part : part.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : part.substring(eq + 1).trim();
            key = switch (key) {
                case "src" -> "source";
                case "dst", "destination" -> "target";
                case "ro" -> "readonly";
                default -> key;
            };
            if (key.isEmpty()) {
                throw invalid(flag, text, "expected KEY=VALUE pairs separated by commas");
            }
            if (!List.of("type", "source", "target", "readonly", "tmpfs-size").contains(key)) {
                throw invalid(flag, text, "unknown or unsupported field " + key
                        + " (use type, source, target, readonly, tmpfs-size)");
            }
            if (value == null && !key.equals("readonly")) {
                throw invalid(flag, text, key + " needs a value (" + key + "=...)");
            }
            if (fields.containsKey(key)) {
                throw invalid(flag, text, key + " is given twice");
            }
            fields.put(key, value == null ? "true" : value);
        }
        return fields;
    }

    private static Mount.Type type(String flag, String text, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "volume" -> Mount.Type.VOLUME;
            case "bind" -> Mount.Type.BIND;
            case "tmpfs" -> Mount.Type.TMPFS;
            default -> throw invalid(flag, text, "type \"" + value + "\" is not volume, bind or tmpfs");
        };
    }

    private static boolean bool(String flag, String text, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw invalid(flag, text, "readonly \"" + value + "\" is not true, false, 1 or 0");
        };
    }

    private static String volumeName(String flag, String text, String source) {
        if (source == null || source.isEmpty()) {
            throw invalid(flag, text, "a volume needs a source (its name)");
        }
        if (!VOLUME_NAME.matcher(source).matches()) {
            throw invalid(flag, text, "volume name \"" + source + "\" must be 2-255 of [a-zA-Z0-9_.-] starting"
                    + " with a letter or digit");
        }
        return source;
    }

    private static String bindSource(String flag, String text, String source) {
        if (source == null || source.isEmpty()) {
            throw invalid(flag, text, "a bind mount needs a source (a host path)");
        }
        if (!source.startsWith("/") || source.indexOf('\0') >= 0) {
            throw invalid(flag, text, "bind source \"" + source + "\" must be an absolute path");
        }
        return normalized(source);
    }

    private static String target(String flag, String text, String target) {
        if (!target.startsWith("/") || target.indexOf('\0') >= 0) {
            throw invalid(flag, text, "target \"" + target + "\" must be an absolute path");
        }
        String t = normalized(target);
        if (t.equals("/")) {
            throw invalid(flag, text, "target cannot be /");
        }
        if (Path.of(t).startsWith(SECRETS)) {
            throw invalid(flag, text, "target " + t + " is where the secrets go: choose another path");
        }
        return t;
    }

    private static String normalized(String path) {
        return path.startsWith("/") ? Path.of(path).normalize().toString() : path;
    }

    private static ApiException invalid(String flag, String text, String why) {
        return ApiException.invalid("invalid " + flag + " \"" + text + "\": " + why);
    }
}
