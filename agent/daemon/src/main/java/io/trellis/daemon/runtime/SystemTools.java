package io.trellis.daemon.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The system programs the agent runs as root (nsenter, unshare, mount, mkdir), found once in a
 * fixed list of system directories instead of through {@code $PATH}, which whoever started the
 * agent controls: a directory early in it could otherwise hand us their own {@code nsenter}.
 */
public final class SystemTools {
    /** Where distributions install util-linux and coreutils; only root can write there. */
    public static final List<Path> DIRECTORIES = List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/sbin"),
            Path.of("/bin"));

    private final List<Path> directories;
    private final Map<String, Path> found = new ConcurrentHashMap<>();

    public SystemTools(List<Path> directories) {
        this.directories = List.copyOf(directories);
    }

    public static SystemTools system() {
        return new SystemTools(DIRECTORIES);
    }

    /**
     * The absolute path of {@code name}.
     *
     * @throws IllegalStateException one line naming the program and where it was looked for
     */
    public Path resolve(String name) {
        return found.computeIfAbsent(name, n -> {
            for (Path dir : directories) {
                Path candidate = dir.resolve(n);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
            throw new IllegalStateException(n + " not found in " + String.join(", ",
                    directories.stream().map(Path::toString).toList()) + "; install util-linux");
        });
    }
}
