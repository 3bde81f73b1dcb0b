package io.trellis.process.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * The task's view of the file system, made in its new mount namespace (slave of the host's, so
 * nothing here leaks back) before the root goes read-only. Order matters: paths are bound while
 * their host location is still visible, then the agent's directories are covered, then every mount
 * becomes read-only, then the writable tmpfs ({@code /tmp}, {@code /dev/shm}) and the task's own
 * mounts ({@link TaskMounts}) are added.
 */
final class SandboxMounts {
    /** Where exposed host paths appear, on a tmpfs that also hides the agent's own run directory. */
    static final Path RUN_DIR = Path.of("/run/trellis");
    static final Path SECRETS = Path.of("/run/secrets");

    static final long MS_RDONLY = 1;
    static final long MS_NOSUID = 2;
    static final long MS_NODEV = 4;
    private static final long MS_NOEXEC = 8;
    static final long MS_BIND = 4096;
    static final long MS_REC = 16384;
    private static final long SYS_MOUNT_SETATTR = 442; // the same on every architecture (added in 5.12)
    private static final int AT_FDCWD = -100;
    private static final int AT_RECURSIVE = 0x8000;
    private static final long MOUNT_ATTR_RDONLY = 1;
    private static final int MOUNT_ATTR_SIZE = 32;

    private SandboxMounts() {
    }

    static void apply(SandboxSpec spec) throws SandboxException {
        // The sandbox's own mount points are made on the host while / is still writable (they stay empty there).
        mkdirs(SECRETS);
        mkdirs(RUN_DIR);
        TaskMounts mounts = new TaskMounts(spec.mounts());
        if (spec.secretsDir() != null) {
            mount(spec.secretsDir().toString(), SECRETS, null, MS_BIND | MS_REC, null);
        } else {
            mount("tmpfs", SECRETS, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0755");
        }
        if (spec.resolvConf() != null) {
            mount(spec.resolvConf().toString(), Path.of("/etc/resolv.conf"), null, MS_BIND, null);
        }
        mount("tmpfs", RUN_DIR, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755");
        // Sources are staged and the exposed paths bound before the task's missing targets move the sandbox into
        // a root of its own (whose /tmp is empty: a source under the host's /tmp would be out of reach there);
        // that root binds every entry of / with what is mounted below it, all of these included.
        mounts.stage(RUN_DIR.resolve("mounts"));
        for (SandboxSpec.Exposed e : spec.exposed()) {
            expose(e);
        }
        mounts.makeMountPoints();
        for (Path hidden : spec.hide()) {
            // Already covered (under the run directory) or absent: nothing to hide.
            if (Files.isDirectory(hidden) && !hidden.toAbsolutePath().normalize().equals(RUN_DIR)) {
                mount("tmpfs", hidden, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0755");
            }
        }
        setReadOnly(Path.of("/"), true);
        mount("tmpfs", Path.of("/tmp"), "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777");
        if (Files.isDirectory(Path.of("/dev/shm"))) {
            mount("tmpfs", Path.of("/dev/shm"), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64m,mode=1777");
        }
        mounts.mount();
    }

    private static void expose(SandboxSpec.Exposed e) throws SandboxException {
        Path inside = e.inside().toAbsolutePath().normalize();
        if (!inside.startsWith(RUN_DIR)) {
            throw new SandboxException("exposed paths go under " + RUN_DIR + ", not " + inside);
        }
        try {
            Files.createDirectories(inside.getParent());
            if (Files.isDirectory(e.host())) {
                Files.createDirectories(inside);
            } else {
                Files.createFile(inside);
            }
        } catch (IOException ex) {
            throw new SandboxException("preparing " + inside + ": " + ex.getMessage());
        }
        mount(e.host().toString(), inside, null, MS_BIND | MS_REC, null);
    }

    /**
     * mount_setattr(2) on the whole tree under {@code top} at once (for {@code /}: bind mounts, /proc and /sys
     * included): read-only, or writable again.
     */
    static void setReadOnly(Path top, boolean readOnly) throws SandboxException {
        Pointer attr = Memory.allocateDirect(Native.runtime(), MOUNT_ATTR_SIZE, true);
        attr.putLong(readOnly ? 0 : 8, MOUNT_ATTR_RDONLY); // attr_set, or attr_clr
        byte[] name = top.toString().getBytes(StandardCharsets.UTF_8);
        Pointer path = Memory.allocateDirect(Native.runtime(), name.length + 1, true);
        path.put(0, name, 0, name.length);
        Native.check(Native.libc().syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.address(), AT_RECURSIVE, attr.address(),
                        MOUNT_ATTR_SIZE),
                "making " + top + (readOnly ? " read-only" : " writable") + " (mount_setattr, Linux 5.12 or newer)");
    }

    static void mount(String source, Path target, String type, long flags, String data)
            throws SandboxException {
        Native.check(Native.libc().mount(source, target.toString(), type, flags, data), "mounting " + target);
    }

    static void mkdirs(Path dir) throws SandboxException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SandboxException("creating " + dir + ": " + e.getMessage());
        }
    }
}
