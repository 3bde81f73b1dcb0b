package io.trellis.ipvs.libc;

import jnr.ffi.LibraryLoader;

/** Loads libc once, on first use, and exposes the {@code errno} that {@code @SaveError} kept. */
public final class LibCHolder {

    public static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

    // Qualified: jnr.ffi.Runtime would shadow java.lang.Runtime if imported.
    private static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(LIBC);

    private LibCHolder() {
    }

    /** The errno saved by the last {@code @SaveError} call made on this thread. */
    public static int errno() {
        return RUNTIME.getLastError();
    }

    /** The runtime that allocates native memory passed to {@link LibC}. */
    public static jnr.ffi.Runtime runtime() {
        return RUNTIME;
    }
}
