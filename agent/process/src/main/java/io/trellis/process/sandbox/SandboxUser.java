package io.trellis.process.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a task's processes run as: {@code --user UID[:GID]} or a name from the node's
 * {@code /etc/passwd} (its primary group); {@code nobody} (65534:65534) when none is given.
 *
 * @param home the passwd home directory, or {@code /} when the user is not listed
 */
public record SandboxUser(int uid, int gid, String home) {
    public static final SandboxUser NOBODY = new SandboxUser(65534, 65534, "/nonexistent");
    public static final Path PASSWD = Path.of("/etc/passwd");

    private static final Pattern NUMERIC = Pattern.compile("(\\d{1,10})(?::(\\d{1,10}))?");

    /**
     * Resolves {@code spec} (null or blank: the default) against {@code passwd}.
     *
     * @throws SandboxException {@code unknown user NAME}, or a number out of range
     */
    public static SandboxUser resolve(String spec, Path passwd) throws SandboxException {
        if (spec == null || spec.isBlank()) {
            return NOBODY;
        }
        List<String[]> entries = entries(passwd);
        Matcher m = NUMERIC.matcher(spec);
        if (m.matches()) {
            int uid = id(m.group(1), spec);
            Optional<String[]> listed = entries.stream().filter(e -> e[2].equals(Long.toString(uid & 0xffffffffL)))
                    .findFirst();
            int gid = m.group(2) != null ? id(m.group(2), spec)
                    : listed.map(e -> id(e[3])).orElse(uid); // not listed: a group of the same number
            return new SandboxUser(uid, gid, listed.map(e -> e[5]).orElse("/"));
        }
        for (String[] e : entries) {
            if (e[0].equals(spec)) {
                return new SandboxUser(id(e[2]), id(e[3]), e[5]);
            }
        }
        throw new SandboxException("unknown user " + spec);
    }

    private static List<String[]> entries(Path passwd) throws SandboxException {
        try {
            return Files.readAllLines(passwd).stream().map(l -> l.split(":", -1))
                    .filter(f -> f.length >= 7 && f[2].matches("\\d{1,10}") && f[3].matches("\\d{1,10}")).toList();
        } catch (IOException e) {
            throw new SandboxException("cannot read " + passwd + ": " + e.getMessage());
        }
    }

    private static int id(String text, String spec) throws SandboxException {
        long v = Long.parseLong(text);
        if (v > 4294967294L) {
            throw new SandboxException("user " + spec + ": IDs go up to 4294967294");
        }
        return (int) v;
    }

    private static int id(String passwdField) {
        return (int) Long.parseLong(passwdField);
    }
}
