package io.trellis.dataplane;

import io.trellis.ipvs.netns.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Scratch namespaces for one test class, pinned under a private /run directory and always removed. */
public final class Netns implements AutoCloseable {
    final Path dir;
    private final List<Path> pinned = new ArrayList<>();

    public Netns(String tag) throws IOException {
        dir = Files.createDirectories(Path.of("/run", "trellis-" + tag + "-" + ProcessHandle.current().pid()));
    }

    public NetworkNamespace create(String name) throws IOException {
        Path p = dir.resolve(name);
        NetworkNamespace.delete(p);
        NetworkNamespace ns = NetworkNamespace.create(p);
        pinned.add(p);
        sh(name, "ip link set lo up");
        return ns;
    }

    /** Runs a shell command inside namespace {@code name}; fails with its output. */
    public String sh(String name, String command) throws IOException {
        Process p = new ProcessBuilder("nsenter", "--net=" + dir.resolve(name), "bash", "-c", command)
                .redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("[" + name + "] " + command + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    public Path path(String name) {
        return dir.resolve(name);
    }

    @Override
    public void close() throws IOException {
        for (Path p : pinned) {
            NetworkNamespace.delete(p);
        }
        // NetworkNamespace made the folder a shared mount point (like /run/netns): detach it first.
        try {
            new ProcessBuilder("umount", "-l", dir.toString()).redirectErrorStream(true).start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(dir);
    }
}
