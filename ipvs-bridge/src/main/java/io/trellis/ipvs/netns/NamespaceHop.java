package io.trellis.ipvs.netns;

import static io.trellis.ipvs.libc.LinuxConstants.CLONE_NEWNET;
import static io.trellis.ipvs.libc.LinuxConstants.O_CLOEXEC;
import static io.trellis.ipvs.libc.LinuxConstants.O_RDONLY;

import io.trellis.ipvs.NativeException;
import io.trellis.ipvs.libc.LibC;
import io.trellis.ipvs.libc.LibCHolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Makes a socket in another network namespace from the calling thread, with no thread of its own: the
 * thread steps in with setns(2), runs the given code and steps back into the namespace of the process
 * (where the agent's threads live). A socket belongs to the namespace it was created in for its whole life,
 * so an event loop can make a backend connection inside a task's or the ingress sandbox's namespace per
 * connection at the cost of two system calls, where {@link NetworkNamespace#call} starts a thread. The
 * code must not start threads: they would be born in the other namespace. {@link #run} and {@link #close}
 * hold the hop's lock, so a namespace's descriptor is never closed under a thread inside it.
 */
public final class NamespaceHop implements AutoCloseable {
    private static final LibC LIBC = LibCHolder.LIBC;
    private static final String PROCESS_NETNS = "/proc/self/ns/net";

    /** The process's own namespace, opened once and never closed: every hop returns there. */
    private static int homeFd = -1;

    private final Path target;
    private final int targetFd;
    private final int home;
    private boolean closed;

    private NamespaceHop(Path target, int targetFd, int home) {
        this.target = target;
        this.targetFd = targetFd;
        this.home = home;
    }

    /** Opens the namespace pinned on {@code file}; its descriptor stays open until {@link #close()}. */
    public static NamespaceHop open(Path file) throws IOException {
        int home = home();
        Path path = file.toAbsolutePath();
        int target = NativeException.check(LIBC.open(path.toString(), O_RDONLY | O_CLOEXEC, 0), "open", path);
        return new NamespaceHop(path, target, home);
    }

    private static synchronized int home() throws NativeException {
        if (homeFd < 0) {
            homeFd = NativeException.check(LIBC.open(PROCESS_NETNS, O_RDONLY | O_CLOEXEC, 0), "open",
                    Path.of(PROCESS_NETNS));
        }
        return homeFd;
    }

    /**
     * Runs {@code code} on this thread inside the namespace and returns its result.
     *
     * @throws IllegalStateException if the namespace cannot be entered (the thread stays where it was)
     * @throws Error if the thread cannot get back: it would otherwise serve everything else from the wrong
     *     namespace
     */
    public synchronized <T> T run(Supplier<T> code) {
        if (closed) {
            throw new IllegalStateException("namespace " + target + " is closed");
        }
        if (LIBC.setns(targetFd, CLONE_NEWNET) < 0) {
            throw new IllegalStateException("cannot enter network namespace " + target + ": errno "
                    + LibCHolder.errno());
        }
        try {
            return code.get();
        } finally {
            if (LIBC.setns(home, CLONE_NEWNET) < 0) {
                throw new Error("cannot return from network namespace " + target + ": errno " + LibCHolder.errno());
            }
        }
    }

    public Path path() {
        return target;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LIBC.close(targetFd);
        }
    }

    @Override
    public String toString() {
        return "NamespaceHop[" + target + "]";
    }
}
