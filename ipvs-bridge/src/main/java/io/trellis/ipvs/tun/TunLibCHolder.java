package io.trellis.ipvs.tun;

import jnr.ffi.LibraryLoader;

/** Loads {@link TunLibC} once, on first use. */
final class TunLibCHolder {

    static final TunLibC LIBC = LibraryLoader.create(TunLibC.class).load("c");

    // Qualified: jnr.ffi.Runtime would shadow java.lang.Runtime if imported.
    static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(LIBC);

    private TunLibCHolder() {
    }
}
