package io.trellis.daemon.volumes;

import io.trellis.controlplane.api.ApiException;
import io.trellis.process.FileTree;
import io.trellis.process.TaskDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * This node's named volumes for the process runtime, as Docker's {@code local} driver keeps them: a
 * directory {@code <data-dir>/volumes/<name>/_data}, made when a task first mounts the volume (0755,
 * owned by that task's user, so a task running as {@code nobody} can write) and kept across tasks until
 * {@code volume rm}. Which volumes a task uses is written in its task folder while it may run, so a
 * restarted agent still knows; a volume a running task uses is not removed.
 */
public final class LocalVolumes {
    private static final String USES = "volumes";

    private final Path root;
    private final TaskDirectory tasks;

    /** One view of a volume. */
    public record Volume(String name, Path mountpoint, List<String> usedBy) {
    }

    public LocalVolumes(Path root, TaskDirectory tasks) {
        this.root = root.toAbsolutePath().normalize();
        this.tasks = tasks;
    }

    /** The volumes under {@code <dataDir>/volumes}, used by the tasks under {@code <dataDir>/tasks}. */
    public static LocalVolumes under(Path dataDir) {
        return new LocalVolumes(dataDir.resolve("volumes"), new TaskDirectory(dataDir.resolve("tasks")));
    }

    /** Where the data of volume {@code name} lives on this node. */
    public Path dataDir(String name) {
        return volumeDir(name).resolve("_data");
    }

    /**
     * Records that {@code taskId} uses {@code names} and returns each one's data directory, made now for a
     * volume this node does not have yet (owned by {@code uid:gid}). The task's folder must exist.
     */
    public synchronized Map<String, Path> acquire(String taskId, List<String> names, int uid, int gid)
            throws IOException {
        Map<String, Path> dirs = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return dirs;
        }
        Files.writeString(tasks.dir(taskId).resolve(USES), String.join("\n", new LinkedHashSet<>(names)) + "\n");
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        for (String name : names) {
            Path data = dataDir(name);
            if (!Files.isDirectory(data)) {
                Files.createDirectories(data.getParent());
                Path fresh = Files.createDirectory(data);
                Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setAttribute(fresh, "unix:uid", uid);
                Files.setAttribute(fresh, "unix:gid", gid);
            }
            dirs.put(name, data);
        }
        return dirs;
    }

    /** The task no longer runs: its volumes may be removed. */
    public synchronized void release(String taskId) {
        try {
            Files.deleteIfExists(tasks.dir(taskId).resolve(USES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every volume of this node, by name, with the tasks that may be running with it. */
    public synchronized List<Volume> list() {
        Map<String, List<String>> users = users();
        List<Volume> out = new ArrayList<>();
        for (String name : names()) {
            out.add(new Volume(name, dataDir(name), users.getOrDefault(name, List.of())));
        }
        return out;
    }

    /**
     * Removes the volumes and their data, all of them or, when one is unknown or in use, none.
     *
     * @throws ApiException one line naming the volume and, when in use, the tasks using it
     */
    public synchronized List<String> remove(List<String> names) {
        if (names.isEmpty()) {
            throw ApiException.invalid("give at least one volume to remove");
        }
        Set<String> known = new LinkedHashSet<>(names());
        Map<String, List<String>> users = users();
        for (String name : names) {
            if (!known.contains(name)) {
                throw ApiException.notFound("no such volume: " + name);
            }
            List<String> using = users.getOrDefault(name, List.of());
            if (!using.isEmpty()) {
                throw new ApiException(ApiException.Kind.CONFLICT, "volume " + name + " is in use by task(s) "
                        + String.join(", ", using));
            }
        }
        List<String> removed = new ArrayList<>();
        for (String name : new LinkedHashSet<>(names)) {
            try {
                FileTree.delete(volumeDir(name));
            } catch (IOException e) {
                throw new UncheckedIOException("removing volume " + name + ": " + e.getMessage(), e);
            }
            removed.add(name);
        }
        return removed;
    }

    private Path volumeDir(String name) {
        Path dir = root.resolve(name).normalize();
        if (!dir.getParent().equals(root) || name.startsWith(".")) {
            throw ApiException.invalid("invalid volume name " + name);
        }
        return dir;
    }

    private List<String> names() {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return names;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                if (Files.isDirectory(p.resolve("_data"))) {
                    names.add(p.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /**
     * Volume → tasks that use it: tasks whose folder says so and that are starting (no process yet) or whose
     * process still runs. A record left by a task that died with the agent does not count.
     */
    private Map<String, List<String>> users() {
        Map<String, List<String>> users = new TreeMap<>();
        for (String id : new TreeSet<>(tasks.taskIds())) {
            Path uses = tasks.dir(id).resolve(USES);
            if (!Files.isRegularFile(uses)) {
                continue;
            }
            boolean gone = tasks.readProcess(id).map(r -> !r.identity().alive()).orElse(false);
            if (gone) {
                continue;
            }
            try {
                for (String name : Files.readAllLines(uses, StandardCharsets.UTF_8)) {
                    if (!name.isBlank()) {
                        users.computeIfAbsent(name.strip(), n -> new ArrayList<>()).add(id);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return users;
    }
}
