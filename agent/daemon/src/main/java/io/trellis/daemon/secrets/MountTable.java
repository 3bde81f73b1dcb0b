package io.trellis.daemon.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** This process's mounts as {@code /proc/self/mountinfo} lists them: mount point, type and source. */
final class MountTable {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    record Entry(Path mountPoint, String type, String source) {
    }

    private final List<Entry> entries;

    MountTable(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    static MountTable read() throws IOException {
        return parse(Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8));
    }

    /** {@code id parent dev root mount-point options [optional fields...] - type source super-options}. */
    static MountTable parse(List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (f.length < 5 || dash < 6 || dash + 2 >= f.length) {
                continue;
            }
            entries.add(new Entry(Path.of(unescape(f[4])), f[dash + 1], unescape(f[dash + 2])));
        }
        return new MountTable(entries);
    }

    /** The kernel writes space, tab, newline and backslash as {@code \ooo}. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    boolean isMountPoint(Path dir) {
        return entries.stream().anyMatch(e -> e.mountPoint().equals(dir));
    }

    /** Mount points directly under {@code parent} of the given type and source. */
    List<Path> mountPoints(Path parent, String type, String source) {
        return entries.stream()
                .filter(e -> parent.equals(e.mountPoint().getParent()) && e.type().equals(type)
                        && e.source().equals(source))
                .map(Entry::mountPoint).distinct().toList();
    }
}
