package io.trellis.controlplane.api;

import io.trellis.controlplane.store.ContainerSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks {@code --user}, {@code --cap-add} and {@code --cap-drop} of {@code service create} and
 * stores them as the node's sandbox reads them: capability names upper case with the {@code CAP_}
 * prefix ({@code net_admin} → {@code CAP_NET_ADMIN}), {@code ALL} only to drop. A user name is only
 * checked for its form here; the node resolves it in its own passwd when the task starts.
 */
public final class SandboxOptions {
    /** linux/capability.h, in number order; the node's sandbox has the same list. */
    public static final List<String> CAPABILITIES = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
            "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
            "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
            "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
            "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");
    public static final String ALL = "ALL";

    private static final Pattern NUMERIC_USER = Pattern.compile("(\\d{1,10})(?::(\\d{1,10}))?");
    /** shadow-utils' default NAME_REGEX, relaxed for upper case (as useradd --badname allows). */
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}\\$?");
    private static final long MAX_ID = 4294967294L;

    private SandboxOptions() {
    }

    /**
     * {@code base} with the options given (null or empty: keep {@code base}'s).
     *
     * @throws ApiException one line naming the flag and the value at fault
     */
    public static ContainerSpec apply(ContainerSpec base, String user, List<String> capAdd, List<String> capDrop) {
        List<String> add = capabilities("--cap-add", capAdd, false);
        List<String> drop = capabilities("--cap-drop", capDrop, true);
        notBoth(add, drop);
        ContainerSpec out = base;
        if (user != null) {
            out = out.withUser(user(user));
        }
        if (!add.isEmpty() || !drop.isEmpty()) {
            out = out.withCapabilities(add, drop);
        }
        return out;
    }

    /** Refuses a capability both added and dropped in one request. */
    static void notBoth(List<String> add, List<String> drop) {
        for (String c : add) {
            if (drop.contains(c)) {
                throw ApiException.invalid("invalid --cap-add/--cap-drop: " + c + " is both added and dropped");
            }
        }
    }

    /** {@code UID[:GID]} or a user name, trimmed. */
    public static String user(String text) {
        String t = text.trim();
        var m = NUMERIC_USER.matcher(t);
        if (m.matches()) {
            if (Long.parseLong(m.group(1)) > MAX_ID || (m.group(2) != null && Long.parseLong(m.group(2)) > MAX_ID)) {
                throw ApiException.invalid("invalid --user \"" + text + "\": IDs go up to " + MAX_ID);
            }
            return t;
        }
        if (!USER_NAME.matcher(t).matches()) {
            throw ApiException.invalid("invalid --user \"" + text + "\": give UID[:GID] or a user name");
        }
        return t;
    }

    /** Each name checked and written {@code CAP_NAME}, once, in the order given. */
    static List<String> capabilities(String flag, List<String> names, boolean allowAll) {
        Set<String> out = new LinkedHashSet<>();
        for (String raw : names == null ? List.<String>of() : names) {
            String n = raw == null ? "" : raw.trim().toUpperCase(Locale.ROOT);
            if (allowAll && (n.equals(ALL) || n.equals("CAP_ALL"))) {
                out.add(ALL);
                continue;
            }
            String name = n.startsWith("CAP_") ? n : "CAP_" + n;
            if (!CAPABILITIES.contains(name)) {
                throw ApiException.invalid("invalid " + flag + " \"" + raw + "\": unknown capability"
                        + (allowAll ? "" : " (ALL can only be dropped)"));
            }
            out.add(name);
        }
        return new ArrayList<>(out);
    }
}
