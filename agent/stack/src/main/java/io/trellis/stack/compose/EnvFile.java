package io.trellis.stack.compose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code KEY=VALUE} files of compose: the {@code .env} beside the first compose file and each service's
 * {@code env_file}. Blank lines and {@code #} comments are skipped, {@code export } is allowed, a value in
 * matching single or double quotes loses them; nothing is substituted inside.
 */
public final class EnvFile {
    /** Far above any real environment file; a bigger one is a mistake, not configuration. */
    static final long MAX_BYTES = 1L << 20;
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    private EnvFile() {
    }

    /** @param shown the file as messages name it */
    public static Map<String, String> read(Path file, String shown) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ComposeException(shown + ": larger than " + MAX_BYTES + " bytes");
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8), shown);
        } catch (IOException e) {
            throw new ComposeException(shown + ": cannot read: " + e.getMessage());
        }
    }

    static Map<String, String> parse(String text, String shown) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            String key = (eq < 0 ? line : line.substring(0, eq)).strip();
            if (!KEY.matcher(key).matches()) {
                throw new ComposeException(shown + ":" + (i + 1) + ": invalid variable name \"" + key + "\"");
            }
            out.put(key, eq < 0 ? "" : unquote(line.substring(eq + 1).strip()));
        }
        return out;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
