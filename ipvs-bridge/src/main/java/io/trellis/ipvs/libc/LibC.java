package io.trellis.ipvs.libc;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;

/**
 * The few glibc entry points Trellis needs to manage network namespaces and interface flags.
 * Every call that can fail saves {@code errno} (read it with {@link LibCHolder#errno()} on the
 * same thread, before any other native call). Constants live in {@link LinuxConstants}.
 */
public interface LibC {

    @SaveError
    int unshare(int flags);

    @SaveError
    int setns(int fd, int nstype);

    /** {@code mode} is only read with {@code O_CREAT}; open(2) is variadic in glibc. */
    @SaveError
    @Variadic(fixedCount = 2)
    int open(String path, int flags, int mode);

    @SaveError
    int close(int fd);

    /** {@code data} may be {@code null}; {@code flags} is an {@code unsigned long}. */
    @SaveError
    int mount(String source, String target, String filesystemType, long flags, Pointer data);

    @SaveError
    int umount2(String target, int flags);

    /** Only the pointer-argument form is bound; ioctl(2) is variadic in glibc. */
    @SaveError
    @Variadic(fixedCount = 2)
    int ioctl(int fd, long request, Pointer argument);

    @SaveError
    int socket(int domain, int type, int protocol);

    int geteuid();

    /** glibc returns a static string for every known errno, so this is safe from any thread. */
    String strerror(int errno);
}
