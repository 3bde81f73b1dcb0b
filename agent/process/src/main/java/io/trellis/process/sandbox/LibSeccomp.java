package io.trellis.process.sandbox;

import jnr.ffi.Pointer;

/**
 * The part of libseccomp (seccomp.h) the sandbox uses: it compiles the filter to BPF for this
 * architecture, so no bytecode is written here. Calls return a negative errno on failure.
 */
public interface LibSeccomp {

    Pointer seccomp_init(int defaultAction);

    /** {@code args} points at {@code count} {@code struct scmp_arg_cmp} (24 bytes each), or null. */
    int seccomp_rule_add_array(Pointer ctx, int action, int syscall, int count, Pointer args);

    /** The number of a system call on this architecture, or a negative value when it has none. */
    int seccomp_syscall_resolve_name(String name);

    int seccomp_load(Pointer ctx);

    void seccomp_release(Pointer ctx);
}
