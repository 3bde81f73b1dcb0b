package io.trellis.daemon.secrets;

import io.trellis.controlplane.store.SecretReference;
import io.trellis.controlplane.store.Task;
import io.trellis.daemon.tools.SystemTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each task's secrets as files on a tmpfs of its own at {@code <root>/<task-id>} (RAM, never disk),
 * which the runtime binds read-only at {@code /run/secrets} in the task's mount namespace. The root is
 * {@code 0700 root}, so no one else on the host reaches the files; the tmpfs itself is {@code 0755}
 * so that a task running as another user can still open a secret given to its uid. Each tmpfs is
 * tagged with this agent's owner name (its source in {@code /proc/self/mountinfo}), so agents that
 * share a host only ever clean up their own.
 */
public final class SecretMounts {
    private static final Logger LOG = LoggerFactory.getLogger(SecretMounts.class);
    public static final Path ROOT_DEFAULT = Path.of("/run/trellis/secrets");
    private static final long PAGE = 4096;
    private static final int COMMAND_SECONDS = 10;
    /** What a task ID may look like before it becomes a path component. */
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<PosixFilePermission> ROOT_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path root;
    private final String owner;
    private final NodeSecrets values;
    private final SystemTools tools;

    /**
     * @param owner a tag naming this agent (no spaces): the source of its tmpfs mounts
     * @param tools finds {@code mount} and {@code umount} (the runtime's {@code SystemTools}); throws
     *              {@link IllegalStateException} naming what is missing
     */
    public SecretMounts(Path root, String owner, NodeSecrets values, SystemTools tools) {
        if (!owner.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("owner tag \"" + owner + "\" must be [A-Za-z0-9_.-]+");
        }
        this.root = root;
        this.owner = owner;
        this.values = values;
        this.tools = tools;
    }

    public Path root() {
        return root;
    }

    /** Where {@code taskId}'s secrets are mounted. */
    public Path dir(String taskId) {
        if (!TASK_ID.matcher(taskId).matches()) {
            throw new IllegalArgumentException("unexpected task ID " + taskId);
        }
        return root.resolve(taskId);
    }

    /**
     * Mounts the task's tmpfs and writes its secrets with their owner and mode, then makes it read-only.
     *
     * @return the directory, or empty when the task has no secrets
     * @throws IOException one line: a secret this node does not hold, or a mount that failed
     */
    public Optional<Path> mount(Task task) throws IOException {
        List<SecretReference> refs = task.container().secrets();
        if (refs.isEmpty()) {
            return Optional.empty();
        }
        List<byte[]> data = new ArrayList<>();
        long pages = 1;
        for (SecretReference r : refs) {
            byte[] v = values.value(r.secretId());
            if (v == null) {
                throw new IOException("secret " + r.secretName() + " was not sent to this node");
            }
            data.add(v);
            pages += Math.max(1, (v.length + PAGE - 1) / PAGE);
        }
        Path dir = dir(task.id());
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, ROOT_ONLY);
        unmount(task.id()); // a leftover of an earlier attempt
        Files.createDirectories(dir);
        try {
            run("mount", "-t", "tmpfs", "-o", "size=" + pages * PAGE + ",nr_inodes=" + (refs.size() + 16)
                    + ",mode=0755,uid=0,gid=0,nosuid,nodev,noexec", owner, dir.toString());
            for (int i = 0; i < refs.size(); i++) {
                write(dir, refs.get(i), data.get(i));
            }
            run("mount", "-o", "remount,ro", dir.toString());
            return Optional.of(dir);
        } catch (IOException | RuntimeException e) {
            unmount(task.id());
            throw e;
        }
    }

    private static void write(Path dir, SecretReference r, byte[] value) throws IOException {
        Path file = dir.resolve(r.target());
        if (!dir.equals(file.getParent())) {
            throw new IOException("secret target " + r.target() + " is not a file name");
        }
        Files.write(file, value, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.setAttribute(file, "unix:uid", r.uid());
        Files.setAttribute(file, "unix:gid", r.gid());
        Files.setAttribute(file, "unix:mode", r.mode());
    }

    /** Unmounts the task's tmpfs, if mounted, and removes its mount point. Logs instead of failing. */
    public void unmount(String taskId) {
        Path dir = dir(taskId);
        try {
            while (MountTable.read().isMountPoint(dir)) {
                try {
                    run("umount", dir.toString());
                } catch (IOException busy) {
                    LOG.warn("unmounting the secrets of task {} failed ({}); detaching it", taskId,
                            busy.getMessage());
                    run("umount", "--lazy", dir.toString());
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.warn("removing the secrets of task {} failed: {}", taskId, e.getMessage());
        }
    }

    /**
     * After a crash: unmounts this agent's secret mounts of tasks other than {@code keep} (the tasks
     * with local traces, which the worker adopts or releases itself).
     */
    public void removeLeftovers(Set<String> keep) {
        MountTable table;
        try {
            table = MountTable.read();
        } catch (IOException e) {
            LOG.warn("reading the mount table failed: {}", e.getMessage());
            return;
        }
        for (Path mountPoint : table.mountPoints(root, "tmpfs", owner)) {
            String taskId = mountPoint.getFileName().toString();
            if (!keep.contains(taskId) && TASK_ID.matcher(taskId).matches()) {
                LOG.info("removing the secrets of task {}, left by an earlier run", taskId);
                unmount(taskId);
            }
        }
    }

    private void run(String tool, String... args) throws IOException {
        tools.run(tool, "", COMMAND_SECONDS, args);
    }
}
