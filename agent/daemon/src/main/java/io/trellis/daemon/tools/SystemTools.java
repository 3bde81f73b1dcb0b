package io.trellis.daemon.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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
                    directories.stream().map(Path::toString).toList()) + "; install the package that provides it");
        });
    }

    /**
     * Runs {@code tool} with {@code args}, feeding it {@code stdin}, and returns its output (stderr included).
     *
     * @throws IOException one line: the tool is missing, did not end within {@code timeoutSeconds}, or failed
     *                     (with the start of its output)
     */
    public String run(String tool, String stdin, int timeoutSeconds, String... args) throws IOException {
        List<String> argv = new ArrayList<>();
        try {
            argv.add(resolve(tool).toString());
        } catch (IllegalStateException missing) {
            throw new IOException(missing.getMessage(), missing);
        }
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(tool + " did not finish within " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(tool + " interrupted", e);
        }
        String out = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IOException(tool + " " + String.join(" ", args) + " failed (" + p.exitValue() + "): "
                    + out.replace('\n', ' '));
        }
        return out;
    }
}
