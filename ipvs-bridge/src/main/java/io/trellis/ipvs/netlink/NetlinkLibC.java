package io.trellis.ipvs.netlink;

import java.nio.ByteBuffer;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The socket calls a netlink socket needs, kept apart from {@link io.trellis.ipvs.libc.LibC} so
 * this package owns its bindings. Buffers must be direct and at position 0: JNR passes the
 * address of a direct buffer plus its position. Read errno with {@link #errno()} on the same
 * thread, straight after the failed call.
 */
public interface NetlinkLibC {

    NetlinkLibC LIBC = LibraryLoader.create(NetlinkLibC.class).load("c");

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int bind(int fd, @In ByteBuffer address, int addressLength);

    @SaveError
    int setsockopt(int fd, int level, int name, @In ByteBuffer value, int valueLength);

    @SaveError
    @ssize_t
    long send(int fd, @In ByteBuffer buffer, @size_t long length, int flags);

    @SaveError
    @ssize_t
    long recv(int fd, @Out ByteBuffer buffer, @size_t long length, int flags);

    @SaveError
    int close(int fd);

    /** The errno saved by the last {@code @SaveError} call made on this thread. */
    static int errno() {
        // Qualified: jnr.ffi.Runtime would shadow java.lang.Runtime if imported.
        return jnr.ffi.Runtime.getRuntime(LIBC).getLastError();
    }
}
