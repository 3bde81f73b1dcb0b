/**
 * JNR-FFI bindings to glibc: namespaces (unshare, setns), mounts (mount, umount2), file
 * descriptors (open, close), sockets and ioctl, geteuid and strerror, plus the kernel constants
 * they take. A direct mirror of the C API: no policy, no retries, no error translation; callers
 * read {@code errno} through {@link io.trellis.ipvs.libc.LibCHolder#errno()}.
 */
package io.trellis.ipvs.libc;
