package io.trellis.controlplane.api;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Secret;
import io.trellis.controlplane.store.SecretReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code --secret} the way Docker does: {@code NAME}, or {@code source=NAME,target=ALIAS,uid=N,gid=N,mode=0400}
 * ({@code src}, {@code dst} accepted too; mode in octal). The target is a file name directly under
 * {@code /run/secrets}; it defaults to the secret's name.
 */
public final class SecretOption {
    private static final int MAX_ID = Integer.MAX_VALUE;

    private SecretOption() {
    }

    /** What one {@code --secret} asks for, before the name is resolved. */
    public record Parsed(String source, String target, int uid, int gid, int mode) {
    }

    public static Parsed parse(String flag, String text) {
        if (text == null || text.isBlank()) {
            throw invalid(flag, text, "give NAME or source=NAME,target=ALIAS,uid=N,gid=N,mode=0444");
        }
        if (!text.contains("=")) {
            return new Parsed(text.strip(), checkTarget(flag, text, text.strip()), 0, 0, SecretReference.DEFAULT_MODE);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : text.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw invalid(flag, text, "expected KEY=VALUE pairs separated by commas");
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            key = switch (key) {
                case "src" -> "source";
                case "dst" -> "target";
                default -> key;
            };
            if (fields.put(key, part.substring(eq + 1).trim()) != null) {
                throw invalid(flag, text, key + " is given twice");
            }
        }
        String source = null;
        String target = null;
        int uid = 0;
        int gid = 0;
        int mode = SecretReference.DEFAULT_MODE;
        for (Map.Entry<String, String> f : fields.entrySet()) {
            String v = f.getValue();
            switch (f.getKey()) {
                case "source" -> source = v;
                case "target" -> target = v;
                case "uid" -> uid = id(flag, text, "uid", v);
                case "gid" -> gid = id(flag, text, "gid", v);
                case "mode" -> mode = mode(flag, text, v);
                default -> throw invalid(flag, text, "unknown field " + f.getKey()
                        + " (use source, target, uid, gid, mode)");
            }
        }
        if (source == null || source.isEmpty()) {
            throw invalid(flag, text, "source is required");
        }
        return new Parsed(source, checkTarget(flag, text, target == null ? source : target), uid, gid, mode);
    }

    /**
     * The references of {@code --secret} values, resolved against the secrets of {@code view}; two
     * references with one target are refused.
     */
    public static List<SecretReference> references(ClusterSnapshot view, String flag, List<String> texts) {
        List<SecretReference> refs = new ArrayList<>();
        for (String text : texts == null ? List.<String>of() : texts) {
            Parsed p = parse(flag, text);
            Secret s = SecretApi.find(view, p.source());
            refs.add(new SecretReference(s.id(), s.name(), p.target(), p.uid(), p.gid(), p.mode()));
        }
        checkTargets(flag, refs);
        return refs;
    }

    static void checkTargets(String flag, List<SecretReference> refs) {
        Set<String> seen = new HashSet<>();
        for (SecretReference r : refs) {
            if (!seen.add(r.target())) {
                throw ApiException.invalid("invalid " + flag + ": two secrets have the target " + r.target());
            }
        }
    }

    /** A plain file name: the file lands in the task's {@code /run/secrets} and nowhere else. */
    private static String checkTarget(String flag, String text, String target) {
        if (target.isEmpty() || target.equals(".") || target.equals("..") || target.contains("/")
                || target.indexOf('\0') >= 0) {
            throw invalid(flag, text, "target \"" + target + "\" must be a file name: no '/', not '.' or '..'");
        }
        return target;
    }

    private static int id(String flag, String text, String what, String value) {
        try {
            long n = Long.parseLong(value);
            if (n >= 0 && n <= MAX_ID) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(flag, text, what + " \"" + value + "\" must be a number, 0 or more");
    }

    private static int mode(String flag, String text, String value) {
        try {
            int m = Integer.parseInt(value, 8);
            if (m >= 0 && m <= 0777) {
                return m;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(flag, text, "mode \"" + value + "\" must be octal permission bits, 0 to 0777 (e.g. 0400)");
    }

    private static ApiException invalid(String flag, String text, String why) {
        return ApiException.invalid("invalid " + flag + " \"" + text + "\": " + why);
    }
}
