package io.trellis.process.sandbox;

import io.trellis.process.SelfLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jnr.ffi.Memory;

/**
 * The first program of every task and exec, already in the task's namespaces (util-linux
 * {@code unshare} or {@code nsenter} made them: a JVM cannot enter a mount namespace itself): it
 * sets up the mounts ({@code start} only), becomes the task's user, keeps only its capabilities,
 * sets no_new_privs, loads the seccomp filter and execve(2)s the command, which takes its place.
 * Everything that holds per thread is done on this one thread, the one that calls execve.
 * Any failure is one line on stderr and exit status {@value #EXIT_SANDBOX}: never an unconfined run.
 */
public final class SandboxInit {
    /** Like {@code docker run}: the sandbox, not the command, failed. */
    public static final int EXIT_SANDBOX = 125;
    public static final int EXIT_NOT_EXECUTABLE = 126;
    public static final int EXIT_NOT_FOUND = 127;
    /**
     * This program lives a fraction of a second before execve replaces it: C1 only, a small heap, and
     * no attach listener, since in {@code join} mode it runs as root inside a task.
     */
    public static final List<String> JVM_FLAGS = List.of(
            "-XX:+UseSerialGC", "-Xmx32m", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:-UsePerfData",
            "-XX:+DisableAttachMechanism", "-Xshare:auto");

    private static final int PR_SET_PDEATHSIG = 1;
    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int SIGKILL = 9;
    private static final int SIG_SETMASK = 2;
    private static final long SYS_CLOSE_RANGE = 436;
    private static final long CLOSE_RANGE_CLOEXEC = 4;

    private SandboxInit() {
    }

    /** {@code java <flags> -cp <classpath> SandboxInit} of {@code self}, ready for the arguments. */
    public static List<String> command(SelfLauncher self) {
        return self.javaCommand(JVM_FLAGS, SandboxInit.class.getName());
    }

    public static void main(String[] args) {
        try {
            run(SandboxSpec.parse(Arrays.asList(args)));
        } catch (SandboxException | RuntimeException e) {
            fail(EXIT_SANDBOX, e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }

    private static void run(SandboxSpec spec) throws SandboxException {
        Native.seccomp(); // fails here, before anything changed, when libseccomp is missing
        List<String> env = spec.envFile() != null ? readEnv(spec.envFile()) : inheritedEnv();
        if (!spec.join()) {
            SandboxMounts.apply(spec);
        }
        SandboxLibC libc = Native.libc();
        Capabilities.dropBounding(spec.capabilities());
        int gid = spec.user().gid();
        int uid = spec.user().uid();
        Native.check(libc.setgroups(1, new int[] {gid}), "setting groups to " + Integer.toUnsignedString(gid));
        Native.check(libc.setresgid(gid, gid, gid), "changing group to " + Integer.toUnsignedString(gid));
        Native.check(libc.setresuid(uid, uid, uid), "changing user to " + Integer.toUnsignedString(uid));
        Capabilities.restrict(spec.capabilities());
        Native.check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "setting no_new_privs");
        // After the user change, which clears it: the command dies with whoever started it.
        Native.check(libc.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0), "setting the parent-death signal");
        String program = locate(spec.command().get(0), env);
        Native.check(libc.syscall(SYS_CLOSE_RANGE, 3, 0xffffffffL, CLOSE_RANGE_CLOEXEC, 0, 0),
                "marking inherited descriptors close-on-exec");
        // The JVM blocks SIGQUIT on its threads; the command starts with nothing blocked.
        Native.check(libc.sigprocmask(SIG_SETMASK, Memory.allocateDirect(Native.runtime(), 128, true), null),
                "clearing the signal mask");
        SyscallFilter.load();
        System.out.flush();
        System.err.flush();
        libc.execve(program, nullTerminated(spec.command()), nullTerminated(env));
        int errno = Native.errno();
        fail(errno == 2 ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE, spec.command().get(0) + ": " + libc.strerror(errno));
    }

    /** execvp's search, done here so the error is ours: PATH of the command's own environment. */
    private static String locate(String name, List<String> env) {
        if (name.contains("/")) {
            return name;
        }
        String path = env.stream().filter(e -> e.startsWith("PATH=")).map(e -> e.substring(5)).findFirst()
                .orElse("/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        fail(EXIT_NOT_FOUND, name + ": command not found");
        return name;
    }

    private static List<String> readEnv(Path file) throws SandboxException {
        try {
            String all = Files.readString(file, StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>();
            for (String kv : all.split("\0")) {
                if (kv.indexOf('=') > 0) {
                    out.add(kv);
                }
            }
            return out;
        } catch (IOException e) {
            throw new SandboxException("reading the task's environment: " + e.getMessage());
        }
    }

    private static List<String> inheritedEnv() {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private static String[] nullTerminated(List<String> values) {
        String[] out = values.toArray(new String[values.size() + 1]);
        out[values.size()] = null;
        return out;
    }

    private static void fail(int status, String message) {
        System.err.println("sandbox: " + message);
        System.err.flush();
        System.exit(status);
    }
}
