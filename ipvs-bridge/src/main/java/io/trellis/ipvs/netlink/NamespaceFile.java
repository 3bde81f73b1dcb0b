package io.trellis.ipvs.netlink;

import static io.trellis.ipvs.libc.LinuxConstants.O_CLOEXEC;
import static io.trellis.ipvs.libc.LinuxConstants.O_RDONLY;

import io.trellis.ipvs.NativeException;
import io.trellis.ipvs.libc.LibCHolder;
import java.nio.file.Path;

/**
 * A network namespace file (a pin such as /run/netns/blue, or /proc/PID/ns/net) held open for the
 * one request that names it in IFLA_NET_NS_FD. The kernel resolves the fd while handling the
 * request (get_net_ns_by_fd), so it may be closed as soon as the request is acknowledged.
 */
final class NamespaceFile implements AutoCloseable {

    private final int fd;

    private NamespaceFile(int fd) {
        this.fd = fd;
    }

    static NamespaceFile open(Path file) throws NativeException {
        return new NamespaceFile(NativeException.check(
                LibCHolder.LIBC.open(file.toString(), O_RDONLY | O_CLOEXEC, 0), "open network namespace", file));
    }

    int fd() {
        return fd;
    }

    /** close(2) of a read-only fd can only fail with EBADF, which owning it rules out. */
    @Override
    public void close() {
        LibCHolder.LIBC.close(fd);
    }
}
