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
 */
public record SandboxSpec(boolean join, SandboxUser user, Set<String> capabilities, Path secretsDir, Path resolvConf,
                          List<Path> hide, List<Exposed> exposed, Path envFile, List<String> command) {

    /** A host path and where the task sees it. */
    public record Exposed(Path host, Path inside) {
    }

    public SandboxSpec {
        capabilities = Set.copyOf(capabilities);
        hide = List.copyOf(hide);
        exposed = List.copyOf(exposed);
        command = List.copyOf(command);
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
                default -> throw new SandboxException("unknown option " + flag);
            }
        }
        if (i >= args.size() - 1) {
            throw new SandboxException("no command after --");
        }
        return new SandboxSpec(args.get(0).equals("join"), new SandboxUser(uid, gid, home), caps, secrets, resolv,
                hide, exposed, envFile, args.subList(i + 1, args.size()));
    }

    private static String value(List<String> args, int i, String flag) throws SandboxException {
        if (i >= args.size()) {
            throw new SandboxException(flag + " needs a value");
        }
        return args.get(i);
    }
}
