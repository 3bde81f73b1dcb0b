package io.trellis.process.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@link SandboxInit} does before it becomes the task's command, passed on its command line.
 *
 * @param join         false: set up a new task's mounts ({@code start}); true: enter a running task's
 *                     sandbox, whose mounts exist already ({@code join}, for exec and health checks)
 * @param user         the identity the command runs as
 * @param capabilities the capabilities it keeps ({@code CAP_...})
 * @param secretsDir   bound read-only at {@code /run/secrets}; null: an empty read-only tmpfs there
 * @param resolvConf   bound over {@code /etc/resolv.conf}, or null
 * @param hide         directories covered by an empty read-only tmpfs (agent data, sockets)
 * @param exposed      host paths the task may read although they sit in hidden or unreadable places
 *                     (the trellis classpath), each bound at its {@link Exposed#inside} path
 * @param envFile      the command's environment, {@code KEY=VALUE} entries separated by NUL; null: inherit
 * @param command      the command and its arguments
 * @param mounts       the task's volumes, bind mounts and tmpfs mounts, made in this order
 */
public record SandboxSpec(boolean join, SandboxUser user, Set<String> capabilities, Path secretsDir, Path resolvConf,
                          List<Path> hide, List<Exposed> exposed, Path envFile, List<String> command,
                          List<TaskMount> mounts) {

    /** A host path and where the task sees it. */
    public record Exposed(Path host, Path inside) {
    }

    /**
     * A file system at {@code target} in the task.
     *
     * @param source     the host path bound there (a volume's directory or a bind mount's source); null: a tmpfs
     * @param target     absolute path in the task
     * @param readOnly   mounted read-only
     * @param tmpfsBytes a tmpfs's size; 0: the kernel's default (half the RAM)
     */
    public record TaskMount(Path source, Path target, boolean readOnly, long tmpfsBytes) {
        public static TaskMount bind(Path source, Path target, boolean readOnly) {
            return new TaskMount(source, target, readOnly, 0);
        }

        public static TaskMount tmpfs(Path target, boolean readOnly, long bytes) {
            return new TaskMount(null, target, readOnly, bytes);
        }
    }

    public SandboxSpec {
        capabilities = Set.copyOf(capabilities);
        hide = List.copyOf(hide);
        exposed = List.copyOf(exposed);
        command = List.copyOf(command);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
    }

    public SandboxSpec(boolean join, SandboxUser user, Set<String> capabilities, Path secretsDir, Path resolvConf,
                       List<Path> hide, List<Exposed> exposed, Path envFile, List<String> command) {
        this(join, user, capabilities, secretsDir, resolvConf, hide, exposed, envFile, command, null);
    }

    /** The arguments after the main class. */
    public List<String> toArgs() {
        List<String> a = new ArrayList<>(List.of(join ? "join" : "start", "--uid", Integer.toUnsignedString(user.uid()),
                "--gid", Integer.toUnsignedString(user.gid()), "--home", user.home()));
        for (String c : new TreeSet<>(capabilities)) {
            a.addAll(List.of("--cap", c));
        }
        if (secretsDir != null) {
            a.addAll(List.of("--secrets", secretsDir.toString()));
        }
        if (resolvConf != null) {
            a.addAll(List.of("--resolv", resolvConf.toString()));
        }
        for (Path h : hide) {
            a.addAll(List.of("--hide", h.toString()));
        }
        for (Exposed e : exposed) {
            a.addAll(List.of("--expose", e.host().toString(), e.inside().toString()));
        }
        if (envFile != null) {
            a.addAll(List.of("--env-file", envFile.toString()));
        }
        for (TaskMount m : mounts) {
            String mode = m.readOnly() ? "ro" : "rw";
            if (m.source() != null) {
                a.addAll(List.of("--bind", m.source().toString(), m.target().toString(), mode));
            } else {
                a.addAll(List.of("--tmpfs", m.target().toString(), Long.toString(m.tmpfsBytes()), mode));
            }
        }
        a.add("--");
        a.addAll(command);
        return a;
    }

    public static SandboxSpec parse(List<String> args) throws SandboxException {
        if (args.isEmpty() || !(args.get(0).equals("start") || args.get(0).equals("join"))) {
            throw new SandboxException("usage: start|join [options] -- COMMAND...");
        }
        int uid = SandboxUser.NOBODY.uid();
        int gid = SandboxUser.NOBODY.gid();
        String home = "/";
        Set<String> caps = new TreeSet<>();
        Path secrets = null;
        Path resolv = null;
        Path envFile = null;
        List<Path> hide = new ArrayList<>();
        List<Exposed> exposed = new ArrayList<>();
        List<TaskMount> mounts = new ArrayList<>();
        int i = 1;
        for (; i < args.size() && !args.get(i).equals("--"); i++) {
            String flag = args.get(i);
            String value = value(args, ++i, flag);
            switch (flag) {
                case "--uid" -> uid = Integer.parseUnsignedInt(value);
                case "--gid" -> gid = Integer.parseUnsignedInt(value);
                case "--home" -> home = value;
                case "--cap" -> caps.add(Capabilities.NAMES.get(Capabilities.number(value)));
                case "--secrets" -> secrets = Path.of(value);
                case "--resolv" -> resolv = Path.of(value);
                case "--hide" -> hide.add(Path.of(value));
                case "--expose" -> exposed.add(new Exposed(Path.of(value), Path.of(value(args, ++i, flag))));
                case "--env-file" -> envFile = Path.of(value);
                case "--bind" -> {
                    Path target = Path.of(value(args, ++i, flag));
                    mounts.add(TaskMount.bind(Path.of(value), target, readOnly(value(args, ++i, flag))));
                }
                case "--tmpfs" -> {
                    long bytes = size(value(args, ++i, flag));
                    mounts.add(TaskMount.tmpfs(Path.of(value), readOnly(value(args, ++i, flag)), bytes));
                }
                default -> throw new SandboxException("unknown option " + flag);
            }
        }
        if (i >= args.size() - 1) {
            throw new SandboxException("no command after --");
        }
        return new SandboxSpec(args.get(0).equals("join"), new SandboxUser(uid, gid, home), caps, secrets, resolv,
                hide, exposed, envFile, args.subList(i + 1, args.size()), mounts);
    }

    private static boolean readOnly(String mode) throws SandboxException {
        return switch (mode) {
            case "ro" -> true;
            case "rw" -> false;
            default -> throw new SandboxException("a mount is ro or rw, not " + mode);
        };
    }

    private static long size(String bytes) throws SandboxException {
        try {
            return Long.parseLong(bytes);
        } catch (NumberFormatException e) {
            throw new SandboxException("a tmpfs size is a number of bytes, not " + bytes);
        }
    }

    private static String value(List<String> args, int i, String flag) throws SandboxException {
        if (i >= args.size()) {
            throw new SandboxException(flag + " needs a value");
        }
        return args.get(i);
    }
}
