package io.trellis.process.sandbox;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;

/**
 * The glibc calls the sandbox makes in the process that becomes the task. Every call that can fail
 * saves {@code errno}; read it with {@link Native#errno()} on the same thread, straight after.
 */
public interface SandboxLibC {

    /** prctl(2) is variadic in glibc; every option used here takes unsigned longs. */
    @SaveError
    @Variadic(fixedCount = 1)
    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    @SaveError
    int capset(Pointer header, Pointer data);

    @SaveError
    int setgroups(long size, int[] groups);

    @SaveError
    int setresgid(int rgid, int egid, int sgid);

    @SaveError
    int setresuid(int ruid, int euid, int suid);

    /** {@code data} may be null; {@code flags} is an unsigned long. */
    @SaveError
    int mount(String source, String target, String filesystemType, long flags, String data);

    @SaveError
    int umount2(String target, int flags);

    /**
     * For mount_setattr(2) and close_range(2), which older glibc versions do not wrap; pointers are
     * passed as the addresses of direct memory.
     */
    @SaveError
    @Variadic(fixedCount = 1)
    long syscall(long number, long a1, long a2, long a3, long a4, long a5);

    @SaveError
    int sigprocmask(int how, Pointer set, Pointer old);

    /** Both arrays end with a null element. Returns only on failure. */
    @SaveError
    int execve(String path, String[] argv, String[] envp);

    int getppid();

    String strerror(int errno);
}
