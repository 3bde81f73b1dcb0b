package io.trellis.ipvs.netns;

import static io.trellis.ipvs.libc.LinuxConstants.CLONE_NEWNET;
import static io.trellis.ipvs.libc.LinuxConstants.EINVAL;
import static io.trellis.ipvs.libc.LinuxConstants.ENOENT;
import static io.trellis.ipvs.libc.LinuxConstants.MNT_DETACH;
import static io.trellis.ipvs.libc.LinuxConstants.MS_BIND;
import static io.trellis.ipvs.libc.LinuxConstants.MS_REC;
import static io.trellis.ipvs.libc.LinuxConstants.MS_SHARED;
import static io.trellis.ipvs.libc.LinuxConstants.O_CLOEXEC;
import static io.trellis.ipvs.libc.LinuxConstants.O_CREAT;
import static io.trellis.ipvs.libc.LinuxConstants.O_EXCL;
import static io.trellis.ipvs.libc.LinuxConstants.O_RDONLY;

import io.trellis.ipvs.NativeException;
import io.trellis.ipvs.libc.LibC;
import io.trellis.ipvs.libc.LibCHolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * A network namespace kept alive by a bind mount on a file, as {@code ip netns add} does under
 * {@code /run/netns}, but at any path. The namespace lives until {@link #delete(Path)}, whether or
 * not any process or thread is inside it.
 */
public final class NetworkNamespace {

    private static final LibC LIBC = LibCHolder.LIBC;

    // The namespace of the thread that opens it (kernel 3.17+); /proc/self would be the main
    // thread's, which is not the one that unshared.
    private static final String OWN_THREAD_NETNS = "/proc/thread-self/ns/net";

    private final Path path;

    private NetworkNamespace(Path path) {
        this.path = path;
    }

    /**
     * Creates a namespace with only a loopback interface, which is down, and pins it on
     * {@code file}. The parent directory is created if missing and made a shared mount point.
     *
     * @throws NativeException with EEXIST if {@code file} exists, pinned namespace or not: like
     *     {@code ip netns add}, it refuses to guess; {@link #delete(Path)} it first
     */
    public static NetworkNamespace create(Path file) throws IOException {
        Path pin = file.toAbsolutePath();
        Files.createDirectories(pin.getParent());
        makeSharedMountPoint(pin.getParent());
        // Mode 0 as iproute2: the file is only ever a mount point, never read or written.
        LIBC.close(NativeException.check(
                LIBC.open(pin.toString(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0), "create", pin));
        try {
            DedicatedThread.run("netns-create " + pin, () -> unshareAndPin(pin));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(pin);
            throw e;
        }
        return new NetworkNamespace(pin);
    }

    /**
     * Pins the network namespace of process {@code pid} on {@code file}, as {@code ip netns attach} does: a
     * namespace another tool made (a container's) then has a name, and outlives that process while pinned.
     *
     * @throws NativeException with EEXIST if {@code file} exists, ESRCH-like ENOENT if the process is gone
     */
    public static NetworkNamespace pinProcess(long pid, Path file) throws IOException {
        Path pin = file.toAbsolutePath();
        Files.createDirectories(pin.getParent());
        makeSharedMountPoint(pin.getParent());
        LIBC.close(NativeException.check(
                LIBC.open(pin.toString(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0), "create", pin));
        if (LIBC.mount("/proc/" + pid + "/ns/net", pin.toString(), "none", MS_BIND, null) < 0) {
            int errno = LibCHolder.errno();
            Files.deleteIfExists(pin);
            throw new NativeException("bind-mount the network namespace of process " + pid + " onto", pin, errno);
        }
        return new NetworkNamespace(pin);
    }

    /**
     * Opens a namespace pinned earlier, by {@link #create(Path)} or {@code ip netns add}.
     *
     * @throws NativeException with ENOENT if {@code file} is missing, EINVAL if it is not a
     *     network namespace
     */
    public static NetworkNamespace open(Path file) throws IOException {
        NetworkNamespace namespace = new NetworkNamespace(file.toAbsolutePath());
        // Only setns(2) knows for sure what a namespace file is, so enter it once and leave.
        DedicatedThread.run("netns-open " + namespace.path, namespace::enter);
        return namespace;
    }

    /**
     * Unpins the namespace on {@code file} and removes the file. The namespace itself ends when the
     * last process, thread or open descriptor inside it goes. A missing file or one that is not
     * mounted on is fine, so a half-done delete or create can be finished by calling this again.
     */
    public static void delete(Path file) throws IOException {
        Path pin = file.toAbsolutePath();
        // MNT_DETACH: a process still holding the file open must not make delete fail.
        if (LIBC.umount2(pin.toString(), MNT_DETACH) < 0) {
            int errno = LibCHolder.errno();
            // EINVAL: not a mount point (a leftover of a failed create); ENOENT: already gone.
            if (errno != EINVAL && errno != ENOENT) {
                throw new NativeException("unmount", pin, errno);
            }
        }
        Files.deleteIfExists(pin);
    }

    /**
     * Runs {@code task} inside this namespace and returns its result, or rethrows what it threw.
     * The task runs on a new platform thread that ends with it, so no JVM thread outlives the call
     * in this namespace — except threads the task itself starts, which inherit the namespace.
     */
    public <T> T call(Callable<T> task) throws Exception {
        return DedicatedThread.run("netns " + path, () -> {
            enter();
            return task.call();
        });
    }

    public Path path() {
        return path;
    }

    @Override
    public String toString() {
        return "NetworkNamespace[" + path + "]";
    }

    /** Moves the calling thread into this namespace; only for a {@link DedicatedThread}. */
    private Void enter() throws NativeException {
        String file = path.toString();
        int fd = NativeException.check(LIBC.open(file, O_RDONLY | O_CLOEXEC, 0), "open", path);
        try {
            NativeException.check(LIBC.setns(fd, CLONE_NEWNET), "setns into", path);
        } finally {
            LIBC.close(fd);
        }
        return null;
    }

    /** Moves the calling thread into a new namespace and pins it; only for a {@link DedicatedThread}. */
    private static Void unshareAndPin(Path pin) throws NativeException {
        NativeException.check(LIBC.unshare(CLONE_NEWNET), "unshare network namespace for", pin);
        NativeException.check(LIBC.mount(OWN_THREAD_NETNS, pin.toString(), "none", MS_BIND, null),
                "bind-mount network namespace onto", pin);
        return null;
    }

    /**
     * Makes {@code dir} a mount point with shared propagation, as iproute2 does for /run/netns.
     *
     * <p>Why: a process that later gets its own mount namespace (a container runtime, {@code ip netns
     * exec}) receives a copy of every mount, our pins included, and each copy keeps its namespace
     * alive. If {@code dir} is shared and those copies are slaves of it (what such tools set up),
     * the umount in {@link #delete(Path)} propagates into them and the namespace is released. Since
     * Linux 3.18 the unlink that follows also detaches such copies, but only if it happens: a pin
     * unmounted by other tools or a delete cut short would still leak without propagation.
     * Propagation belongs to a mount, so a plain directory is first bind-mounted onto itself, once:
     * later calls find it a mount point already and stack nothing.
     */
    private static void makeSharedMountPoint(Path dir) throws NativeException {
        String target = dir.toString();
        if (LIBC.mount("none", target, "none", MS_SHARED | MS_REC, null) == 0) {
            return;
        }
        int errno = LibCHolder.errno();
        if (errno != EINVAL) { // EINVAL: not a mount point yet
            throw new NativeException("make shared mount", dir, errno);
        }
        NativeException.check(LIBC.mount(target, target, "none", MS_BIND | MS_REC, null),
                "bind-mount onto itself", dir);
        NativeException.check(LIBC.mount("none", target, "none", MS_SHARED | MS_REC, null),
                "make shared mount", dir);
    }
}
