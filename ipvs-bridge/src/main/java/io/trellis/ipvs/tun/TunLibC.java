package io.trellis.ipvs.tun;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int64_t;

/**
 * The glibc entry points a TAP device needs, kept apart from {@link io.trellis.ipvs.libc.LibC} so
 * the two bindings evolve independently. Buffers on the per-frame calls are raw addresses
 * ({@code long}), not {@link Pointer}s, so a call allocates nothing on the Java heap. Every call
 * that can fail saves {@code errno}; read it with {@link io.trellis.ipvs.libc.LibCHolder#errno()}
 * on the same thread (all JNR libraries share the one saved value per thread). Public only because
 * JNR generates the implementation in another class loader; not part of the supported API.
 */
public interface TunLibC {

    /** open(2) is variadic in glibc; {@code mode} is only read with {@code O_CREAT}. */
    @SaveError
    @Variadic(fixedCount = 2)
    int open(String path, int flags, int mode);

    @SaveError
    @ssize_t
    long read(int fd, @intptr_t long buffer, @size_t long count);

    @SaveError
    @ssize_t
    long write(int fd, @intptr_t long buffer, @size_t long count);

    /** For requests that take a pointer, such as TUNSETIFF and TUNSETVNETHDRSZ. */
    @SaveError
    @Variadic(fixedCount = 2)
    int ioctl(int fd, long request, Pointer argument);

    /** For requests that take the value itself, such as TUNSETOFFLOAD (an unsigned long). */
    @SaveError
    @Variadic(fixedCount = 2)
    int ioctl(int fd, long request, long value);

    /** {@code fds} points to {@code struct pollfd[nfds]}; {@code nfds_t} is an unsigned long. */
    @SaveError
    int poll(@intptr_t long fds, @u_int64_t long nfds, int timeoutMillis);

    @SaveError
    int eventfd(int initialValue, int flags);

    @SaveError
    int close(int fd);
}
