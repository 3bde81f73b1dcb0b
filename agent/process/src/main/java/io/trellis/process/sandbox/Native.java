package io.trellis.process.sandbox;

import jnr.ffi.LibraryLoader;

/** Loads libc and libseccomp on first use; libseccomp missing is one line, never a silent skip. */
public final class Native {
    /** The soname Debian and most distributions install ({@code libseccomp2}). */
    public static final String LIBSECCOMP = "libseccomp.so.2";

    private static volatile SandboxLibC libc;
    private static volatile LibSeccomp seccomp;
    private static volatile jnr.ffi.Runtime runtime;

    private Native() {
    }

    public static SandboxLibC libc() {
        if (libc == null) {
            synchronized (Native.class) {
                if (libc == null) {
                    SandboxLibC loaded = LibraryLoader.create(SandboxLibC.class).load("c");
                    // Qualified: jnr.ffi.Runtime would shadow java.lang.Runtime if imported.
                    runtime = jnr.ffi.Runtime.getRuntime(loaded);
                    libc = loaded;
                }
            }
        }
        return libc;
    }

    /** The runtime that allocates native memory for these calls. */
    public static jnr.ffi.Runtime runtime() {
        libc();
        return runtime;
    }

    /** The errno saved by the last failed call on this thread. */
    public static int errno() {
        return runtime().getLastError();
    }

    /**
     * libseccomp, loaded once.
     *
     * @throws SandboxException when it cannot be loaded: tasks must not run without their filter
     */
    public static LibSeccomp seccomp() throws SandboxException {
        if (seccomp == null) {
            synchronized (Native.class) {
                if (seccomp == null) {
                    try {
                        seccomp = LibraryLoader.create(LibSeccomp.class).failImmediately()
                                .search("/usr/lib/x86_64-linux-gnu").search("/usr/lib64").search("/usr/lib")
                                .search("/lib/x86_64-linux-gnu").search("/usr/lib/aarch64-linux-gnu")
                                .load(LIBSECCOMP);
                    } catch (LinkageError | RuntimeException e) {
                        throw new SandboxException(LIBSECCOMP + " could not be loaded (install libseccomp2):"
                                + " tasks never run without their system-call filter");
                    }
                }
            }
        }
        return seccomp;
    }

    /** Throws the errno of a failed call (negative result) as one line naming what was done. */
    static long check(long result, String what) throws SandboxException {
        if (result < 0) {
            int errno = errno();
            throw new SandboxException(what + ": " + libc().strerror(errno) + " (errno " + errno + ")");
        }
        return result;
    }
}
