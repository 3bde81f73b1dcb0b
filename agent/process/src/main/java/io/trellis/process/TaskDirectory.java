package io.trellis.process;

import io.trellis.api.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A task's local folder under {@code <data-dir>/tasks/<id>/}: its captured output and a record of the
 * process that runs it, which is what lets a restarted agent find and adopt its tasks.
 */
public final class TaskDirectory {
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path root;

    /** What a restarted agent needs to recognise its process: PID plus start time guards against PID reuse. */
    public record ProcessRecord(long pid, long startedAtMillis, String netns) {
        public ProcessIdentity identity() {
            return new ProcessIdentity(pid, startedAtMillis);
        }
    }

    public TaskDirectory(Path root) {
        this.root = root;
    }

    public Path dir(String taskId) {
        if (!taskId.matches("[a-z0-9]{1,64}")) {
            throw new IllegalArgumentException("bad task id " + taskId);
        }
        return root.resolve(taskId);
    }

    /**
     * The task's folder, and its output log, readable by root only (0700, 0600): they hold the task's
     * environment and output, which a task of another service must not read.
     */
    public Path create(String taskId) throws IOException {
        Path dir = Files.createDirectories(dir(taskId));
        Files.setPosixFilePermissions(root, OWNER_DIR);
        Files.setPosixFilePermissions(dir, OWNER_DIR);
        Path log = outputLog(taskId);
        if (!Files.exists(log)) {
            Files.createFile(log, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        }
        Files.setPosixFilePermissions(log, OWNER_FILE);
        return dir;
    }

    public Path outputLog(String taskId) {
        return dir(taskId).resolve("output.log");
    }

    public void writeProcess(String taskId, ProcessRecord r) throws IOException {
        Path tmp = dir(taskId).resolve("process.json.tmp");
        Json.MAPPER.writeValue(tmp.toFile(), r);
        Files.move(tmp, dir(taskId).resolve("process.json"), StandardCopyOption.ATOMIC_MOVE);
    }

    public Optional<ProcessRecord> readProcess(String taskId) {
        Path p = dir(taskId).resolve("process.json");
        try {
            return Files.exists(p) ? Optional.of(Json.MAPPER.readValue(p.toFile(), ProcessRecord.class)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // half-written by a killed agent: treat as not running
        }
    }

    public void clearProcess(String taskId) throws IOException {
        Files.deleteIfExists(dir(taskId).resolve("process.json"));
    }

    public Set<String> taskIds() {
        Set<String> ids = new HashSet<>();
        if (!Files.isDirectory(root)) {
            return ids;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                if (Files.isDirectory(p)) {
                    ids.add(p.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ids;
    }

    public void delete(String taskId) throws IOException {
        FileTree.delete(dir(taskId));
    }
}
