package io.trellis.ipsec.keyring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The {@code --key-file} of the standalone tunnel: both ends hold the same file of one or two lines,
 * each 32 hex characters (an AES-128-GCM master key) or 64 (AES-256-GCM), e.g. from
 * {@code openssl rand -hex 32}. The first line is the key to send with; a second line is a further key
 * to accept (the next one, or the previous one during a rotation). The 4-octet GCM salt is not in the
 * file: it is derived per SA with the key ({@link MasterKey}), so the format stays the familiar one.
 *
 * <p>The file must be mode 0600 or stricter and belong to root or the current user; otherwise it is
 * refused before it is read. Surrounding spaces, a final newline and CRLF line ends are tolerated; anything else is refused
 * with one line naming the line, the problem and what is allowed. {@link #reload()} re-reads the file
 * (the CLI calls it on SIGHUP) and its result goes to {@link KeyRing#update(List)}.
 */
public final class KeyFile {
    private final Path path;

    public KeyFile(Path path) {
        this.path = path;
    }

    /** Reads and parses the file now: the send key first, then the other accepted key if any. */
    public List<MasterKey> reload() throws KeyFileException {
        checkAccess(path);
        String content;
        try {
            content = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KeyFileException("cannot read key file " + path + ": " + e, e);
        }
        return parse(content, path.toString());
    }

    /**
     * Refuses a key file others could read or replace: whoever reads it can decrypt and forge the
     * tunnel's traffic. Mode 0600 or stricter, owned by root or by the user running this process.
     */
    static void checkAccess(Path path) throws KeyFileException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class);
        } catch (UnsupportedOperationException e) {
            throw new KeyFileException("key file " + path + " is on a file system without owners and modes,"
                    + " so who may read it cannot be checked: keep it on a POSIX file system");
        } catch (IOException e) {
            throw new KeyFileException("cannot read key file " + path + ": " + e, e);
        }
        Set<PosixFilePermission> others = EnumSet.noneOf(PosixFilePermission.class);
        others.addAll(attributes.permissions());
        others.retainAll(GROUP_AND_OTHERS);
        if (!others.isEmpty() || !attributes.isRegularFile()) {
            throw new KeyFileException(String.format("key file %s %s: it must be a file of mode 0600 or stricter"
                    + " (chmod 600 %s), as anyone who can read it can decrypt and forge the traffic", path,
                    attributes.isRegularFile() ? "has mode 0" + mode(attributes.permissions()) : "is not a regular file", path));
        }
        String owner = attributes.owner().getName();
        String user = System.getProperty("user.name");
        if (!owner.equals("root") && !owner.equals(user)) {
            throw new KeyFileException("key file " + path + " belongs to " + owner + ": it must belong to root"
                    + (user.equals("root") ? "" : " or to " + user + ", the user running trellis"));
        }
    }

    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /** Octal digits of a mode, e.g. "644". */
    private static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal()); // OWNER_READ is ordinal 0 = 0400, ... OTHERS_EXECUTE = 0001
        }
        return Integer.toOctalString(mode);
    }

    /** Parses key file text; {@code source} names it in error messages. */
    public static List<MasterKey> parse(String content, String source) throws KeyFileException {
        List<String> lines = new ArrayList<>(List.of(content.split("\n", -1)));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty()) {
            throw new KeyFileException("key file " + source + " is empty: it must hold one line of 32 or 64 hex"
                    + " characters (e.g. from `openssl rand -hex 32`), and optionally a second line with the next key");
        }
        if (lines.size() > 2) {
            throw new KeyFileException("key file " + source + " has " + lines.size()
                    + " lines: it holds at most 2, the key to send with and the next key");
        }
        List<MasterKey> keys = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            keys.add(MasterKey.of(hex(lines.get(i).strip(), i + 1, source)));
        }
        if (keys.size() == 2 && keys.get(0).equals(keys.get(1))) {
            throw new KeyFileException("lines 1 and 2 of key file " + source
                    + " hold the same key: the second line is the next key and must differ");
        }
        return List.copyOf(keys);
    }

    private static byte[] hex(String line, int number, String source) throws KeyFileException {
        String where = "line " + number + " of key file " + source;
        if (line.isEmpty()) {
            throw new KeyFileException(where + " is empty: a key is 32 hex characters (AES-128) or 64 (AES-256)");
        }
        if (line.length() != 32 && line.length() != 64) {
            throw new KeyFileException(where + " has " + line.length()
                    + " characters: a key is 32 hex characters (AES-128) or 64 (AES-256)");
        }
        for (int i = 0; i < line.length(); i++) {
            if (!HexFormat.isHexDigit(line.charAt(i))) { // ASCII only, unlike Character.digit
                throw new KeyFileException(where + " has '" + line.charAt(i) + "' at column " + (i + 1)
                        + ": a key is hex digits only (0-9, a-f, A-F)");
            }
        }
        return HexFormat.of().parseHex(line);
    }
}
