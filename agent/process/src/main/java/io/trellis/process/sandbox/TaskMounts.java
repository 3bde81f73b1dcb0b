package io.trellis.process.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The task's own mounts ({@code --mount}), in three steps of {@link SandboxMounts#apply}: mount points
 * made before the root is read-only (missing ones in a root of the task's own), each host source bound
 * at a staging point before the agent's directories are hidden (a volume lives in the hidden data
 * directory), and, once everything else is
 * read-only, each staged source bound at its target (writable again unless read-only) and its staging
 * point dropped, or a tmpfs mounted there. Last, so nothing covers them and targets under the task's
 * {@code /tmp} work.
 */
final class TaskMounts {
    private static final int MNT_DETACH = 2;
    /** The task's own tmpfs: mount points there are made inside them, never on the host. */
    private static final List<Path> PRIVATE = List.of(Path.of("/tmp"), Path.of("/dev/shm"));

    private final List<SandboxSpec.TaskMount> mounts;
    private final List<Path> staged = new ArrayList<>();

    TaskMounts(List<SandboxSpec.TaskMount> mounts) {
        this.mounts = mounts;
    }

    /**
     * A missing target is never made on the host: the task gets a root of its own with it ({@link MountScaffold});
     * under the task's private tmpfs or another of its mounts it is made later, inside them.
     */
    void makeMountPoints() throws SandboxException {
        List<MountScaffold.Target> missing = new ArrayList<>();
        for (int i = 0; i < mounts.size(); i++) {
            SandboxSpec.TaskMount m = mounts.get(i);
            if (!Files.exists(m.target()) && !underPrivate(m.target()) && !underEarlierMount(i)) {
                missing.add(MountScaffold.target(m.target(), m.source() != null && Files.isRegularFile(m.source())));
            }
        }
        if (!missing.isEmpty()) {
            MountScaffold.enter(missing);
        }
    }

    /** Binds each host source under {@code dir} while it is still visible. */
    void stage(Path dir) throws SandboxException {
        SandboxMounts.mkdirs(dir);
        for (int i = 0; i < mounts.size(); i++) {
            SandboxSpec.TaskMount m = mounts.get(i);
            if (m.source() == null) {
                staged.add(null);
                continue;
            }
            Path point = dir.resolve(Integer.toString(i));
            try {
                if (Files.isDirectory(m.source())) {
                    Files.createDirectory(point);
                } else {
                    Files.createFile(point);
                }
            } catch (IOException e) {
                throw new SandboxException("preparing the mount of " + m.source() + ": " + e.getMessage());
            }
            SandboxMounts.mount(m.source().toString(), point, null, SandboxMounts.MS_BIND | SandboxMounts.MS_REC,
                    null);
            staged.add(point);
        }
    }

    /** The mounts at their targets, in order (a later target may lie inside an earlier mount). */
    void mount() throws SandboxException {
        for (int i = 0; i < mounts.size(); i++) {
            SandboxSpec.TaskMount m = mounts.get(i);
            if (!Files.exists(m.target())) {
                makeMountPoint(m);
            }
            if (m.source() == null) {
                long flags = SandboxMounts.MS_NOSUID | SandboxMounts.MS_NODEV
                        | (m.readOnly() ? SandboxMounts.MS_RDONLY : 0);
                SandboxMounts.mount("tmpfs", m.target(), "tmpfs", flags,
                        "mode=1777" + (m.tmpfsBytes() > 0 ? ",size=" + m.tmpfsBytes() : ""));
                continue;
            }
            Path point = staged.get(i);
            SandboxMounts.mount(point.toString(), m.target(), null, SandboxMounts.MS_BIND | SandboxMounts.MS_REC, null);
            // The staged copy was made read-only with everything else; the bind inherited that.
            SandboxMounts.setReadOnly(m.target(), m.readOnly());
            // One path to the data is enough: the staging point goes once its bind is in place.
            Native.check(Native.libc().umount2(point.toString(), MNT_DETACH), "unmounting " + point);
        }
    }

    private void makeMountPoint(SandboxSpec.TaskMount m) throws SandboxException {
        try {
            if (m.source() != null && Files.isRegularFile(m.source())) {
                Files.createDirectories(m.target().getParent());
                if (!Files.exists(m.target())) {
                    Files.createFile(m.target());
                }
            } else {
                Files.createDirectories(m.target());
            }
        } catch (IOException e) {
            throw new SandboxException("creating the mount point " + m.target() + ": " + e.getMessage());
        }
    }

    private boolean underEarlierMount(int i) {
        Path target = mounts.get(i).target();
        for (int j = 0; j < i; j++) {
            if (target.startsWith(mounts.get(j).target())) {
                return true;
            }
        }
        return false;
    }

    private static boolean underPrivate(Path target) {
        return PRIVATE.stream().anyMatch(target::startsWith);
    }
}
