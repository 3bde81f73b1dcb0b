package io.trellis.process.sandbox;

import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * The task's seccomp filter, compiled by libseccomp: everything is allowed except the calls that
 * reach past the sandbox (mounts, namespaces, kernel modules, other processes' memory, keyrings,
 * BPF, perf), which fail with EPERM. Other architectures' calling conventions (i386, x32) kill the
 * process: libseccomp's default for a foreign architecture.
 */
public final class SyscallFilter {
    /** Denied outright; names this architecture does not have are skipped. */
    public static final List<String> DENIED = List.of(
            "mount", "umount", "umount2", "pivot_root", "setns", "unshare",
            "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
            "kexec_load", "kexec_file_load", "bpf", "ptrace", "process_vm_readv", "process_vm_writev",
            "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff", "open_by_handle_at",
            "perf_event_open", "keyctl", "add_key", "request_key", "userfaultfd", "quotactl", "acct",
            "lookup_dcookie", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "iopl", "ioperm");

    private static final int SCMP_ACT_ALLOW = 0x7fff0000;
    private static final int EPERM = 1;
    private static final int ENOSYS = 38;
    private static final int SCMP_CMP_MASKED_EQ = 7;
    private static final long CLONE_NEWUSER = 0x10000000L;
    private static final int ARG_CMP_SIZE = 24;

    private SyscallFilter() {
    }

    private static int errno(int e) {
        return 0x00050000 | (e & 0xffff); // SCMP_ACT_ERRNO(e)
    }

    /**
     * Compiles and loads the filter on the calling thread; needs no_new_privs (or CAP_SYS_ADMIN).
     * Nothing this thread does afterwards can undo it, and execve keeps it.
     */
    public static void load() throws SandboxException {
        LibSeccomp seccomp = Native.seccomp();
        Pointer ctx = seccomp.seccomp_init(SCMP_ACT_ALLOW);
        if (ctx == null) {
            throw new SandboxException("seccomp_init failed");
        }
        try {
            for (String name : DENIED) {
                int nr = seccomp.seccomp_syscall_resolve_name(name);
                if (nr >= 0) {
                    rule(seccomp, ctx, errno(EPERM), nr, name, null);
                }
            }
            // A new user namespace would give the task a full set of capabilities inside it.
            Pointer flags = Memory.allocateDirect(Native.runtime(), ARG_CMP_SIZE, true);
            flags.putInt(0, 0);                     // arg 0: the clone flags
            flags.putInt(4, SCMP_CMP_MASKED_EQ);
            flags.putLong(8, CLONE_NEWUSER);        // mask
            flags.putLong(16, CLONE_NEWUSER);       // value
            rule(seccomp, ctx, errno(EPERM), seccomp.seccomp_syscall_resolve_name("clone"), "clone", flags);
            // clone3 passes its flags in memory a filter cannot read: ENOSYS makes libc fall back to clone.
            int clone3 = seccomp.seccomp_syscall_resolve_name("clone3");
            if (clone3 >= 0) {
                rule(seccomp, ctx, errno(ENOSYS), clone3, "clone3", null);
            }
            int rc = seccomp.seccomp_load(ctx);
            if (rc < 0) {
                throw new SandboxException("loading the seccomp filter failed: " + Native.libc().strerror(-rc));
            }
        } finally {
            seccomp.seccomp_release(ctx);
        }
    }

    private static void rule(LibSeccomp seccomp, Pointer ctx, int action, int nr, String name, Pointer cmp)
            throws SandboxException {
        int rc = seccomp.seccomp_rule_add_array(ctx, action, nr, cmp == null ? 0 : 1, cmp);
        if (rc < 0) {
            throw new SandboxException("seccomp rule for " + name + " failed: " + Native.libc().strerror(-rc));
        }
    }
}
