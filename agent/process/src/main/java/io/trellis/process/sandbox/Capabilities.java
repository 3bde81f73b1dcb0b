package io.trellis.process.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Linux capabilities by name (linux/capability.h order: the index is the number), the set a task
 * keeps, and dropping every other one from the calling thread: bounding, effective, permitted,
 * inheritable and ambient.
 */
public final class Capabilities {
    /** Index = capability number. The manager checks names against its own copy; a test keeps both equal. */
    public static final List<String> NAMES = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
            "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
            "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
            "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
            "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");
    /**
     * What a task keeps when the service names none: binding ports below 1024 (a web server on 80
     * as user nobody), nothing else. docs/executors.md explains the choice.
     */
    public static final Set<String> DEFAULT = Set.of("CAP_NET_BIND_SERVICE");

    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    private static final int PR_CAPBSET_DROP = 24;
    private static final int PR_CAP_AMBIENT = 47;
    private static final int PR_CAP_AMBIENT_RAISE = 2;
    private static final int PR_CAP_AMBIENT_CLEAR_ALL = 4;
    private static final int PR_SET_KEEPCAPS = 8;

    private Capabilities() {
    }

    /**
     * The capabilities a task keeps: the default set minus {@code drop} ({@code CAP_ALL} or {@code ALL}
     * drops every one), plus {@code add}. Names as the manager stored them (upper case, with prefix).
     */
    public static Set<String> kept(Collection<String> add, Collection<String> drop) {
        Set<String> kept = new TreeSet<>(DEFAULT);
        for (String d : drop) {
            if (d.equals("ALL") || d.equals("CAP_ALL")) {
                kept.clear();
            } else {
                kept.remove(d);
            }
        }
        kept.addAll(add);
        return kept;
    }

    static int number(String name) throws SandboxException {
        int n = NAMES.indexOf(name.toUpperCase(Locale.ROOT));
        if (n < 0) {
            throw new SandboxException("unknown capability " + name);
        }
        return n;
    }

    /** The highest capability this kernel knows: bounding-set drops go up to it. */
    static int lastCapability() {
        // A reader, not Files.readString: procfs reports a size its content does not have.
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/sys/kernel/cap_last_cap"))) {
            return Integer.parseInt(r.readLine().trim());
        } catch (IOException | RuntimeException e) {
            return NAMES.size() - 1;
        }
    }

    /**
     * Step one, while still root with every capability: the bounding set shrinks to {@code kept}
     * (which needs CAP_SETPCAP, gone after {@link #restrict}); keep-caps lets the permitted set
     * survive the change of user that follows.
     */
    static void dropBounding(Set<String> kept) throws SandboxException {
        List<Integer> numbers = numbers(kept);
        SandboxLibC libc = Native.libc();
        for (int cap = 0; cap <= lastCapability(); cap++) {
            if (!numbers.contains(cap)) {
                Native.check(libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), "dropping capability " + cap
                        + " from the bounding set");
            }
        }
        Native.check(libc.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "keeping capabilities across the user change");
    }

    /**
     * Step two, after the user change: effective, permitted and inheritable become exactly
     * {@code kept}, and so does the ambient set, which is what carries them across execve for a
     * user other than root (for root the bounding set already limits what execve grants).
     */
    static void restrict(Set<String> kept) throws SandboxException {
        long mask = 0;
        for (int n : numbers(kept)) {
            mask |= 1L << n;
        }
        jnr.ffi.Runtime rt = Native.runtime();
        Pointer header = Memory.allocateDirect(rt, 8, true);
        header.putInt(0, LINUX_CAPABILITY_VERSION_3);
        header.putInt(4, 0);
        Pointer data = Memory.allocateDirect(rt, 24, true);
        for (int word = 0; word < 2; word++) {
            int bits = (int) (mask >>> (32 * word));
            data.putInt(word * 12L, bits);      // effective
            data.putInt(word * 12L + 4, bits);  // permitted
            data.putInt(word * 12L + 8, bits);  // inheritable
        }
        SandboxLibC libc = Native.libc();
        Native.check(libc.capset(header, data), "setting capabilities");
        Native.check(libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clearing ambient capabilities");
        for (int n : numbers(kept)) {
            Native.check(libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, n, 0, 0), "raising ambient capability "
                    + NAMES.get(n));
        }
        Native.check(libc.prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0), "clearing keep-caps");
    }

    private static List<Integer> numbers(Set<String> names) throws SandboxException {
        List<Integer> out = new ArrayList<>();
        for (String name : names) {
            out.add(number(name));
        }
        return out;
    }
}
