package io.trellis.stack.compose;

import io.trellis.api.ShellWords;
import io.trellis.stack.compose.DeployDef.Limits;
import io.trellis.stack.compose.DeployDef.Placement;
import io.trellis.stack.compose.DeployDef.Resources;
import io.trellis.stack.compose.DeployDef.RestartPolicy;
import io.trellis.stack.compose.DeployDef.UpdateConfig;
import io.trellis.stack.compose.ServiceDef.MountDef;
import io.trellis.stack.compose.ServiceDef.PortDef;
import io.trellis.stack.compose.ServiceDef.SecretUse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads one compose file (compose 3.x / the compose spec, the keys {@code docker stack deploy} uses) into a
 * {@link ComposeFile}: YAML through snakeyaml-engine with marks, so every refusal names the file, line and key
 * path; values interpolated; unknown keys refused; {@code build} skipped with a warning.
 */
public final class ComposeParser {
    private static final Set<String> TOP = Set.of("version", "name", "services", "networks", "volumes", "secrets");
    private static final Set<String> SERVICE = Set.of("image", "build", "command", "entrypoint", "environment",
            "env_file", "ports", "networks", "volumes", "secrets", "healthcheck", "stop_grace_period", "user",
            "cap_add", "cap_drop", "labels", "deploy");
    private static final Set<String> PORT = Set.of("target", "published", "protocol", "mode");
    private static final Set<String> MOUNT = Set.of("type", "source", "target", "read_only");
    private static final Set<String> SECRET_USE = Set.of("source", "target", "uid", "gid", "mode");
    private static final Set<String> HEALTH = Set.of("test", "interval", "timeout", "start_period", "retries",
            "disable");
    private static final Set<String> DEPLOY = Set.of("mode", "replicas", "placement", "update_config",
            "rollback_config", "restart_policy", "resources", "endpoint_mode", "labels");
    private static final Set<String> PLACEMENT = Set.of("constraints", "preferences", "max_replicas_per_node");
    private static final Set<String> UPDATE = Set.of("parallelism", "delay", "failure_action", "monitor",
            "max_failure_ratio", "order");
    private static final Set<String> RESTART = Set.of("condition", "delay", "max_attempts", "window");
    private static final Set<String> RESOURCES = Set.of("limits", "reservations");
    private static final Set<String> LIMITS = Set.of("cpus", "memory");
    private static final Set<String> NETWORK = Set.of("driver", "driver_opts", "attachable", "external", "name",
            "labels");
    private static final Set<String> VOLUME = Set.of("driver", "driver_opts", "external", "name", "labels");
    private static final Set<String> SECRET = Set.of("file", "external", "name", "labels");
    /** Docker's object names: what services, networks, volumes and secrets may be called. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final Pattern SHORT_PORT = Pattern.compile("(?:(?:([^:]*):)?(\\d+(?:-\\d+)?):)?(\\d+(?:-\\d+)?)"
            + "(?:/(\\w+))?");
    /** A compose file larger than this is not configuration. */
    static final int MAX_CODE_POINTS = 3 * 1024 * 1024;

    private final Interpolation interpolation;
    private final Path directory;
    private final Map<String, String> origins = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    private ComposeParser(Interpolation interpolation, Path directory) {
        this.interpolation = interpolation;
        this.directory = directory;
    }

    /**
     * One file, as read.
     *
     * @param origins  {@code file:line: key.path} of each service and each reference to a network, volume or
     *                 secret ({@code services.web.secrets.db_pw}), for the checks made after a merge
     * @param warnings lines for stderr ({@code build} ignored)
     */
    public record Parsed(ComposeFile file, Map<String, String> origins, List<String> warnings) {
    }

    /**
     * @param shown     the file's name in messages
     * @param directory where relative paths ({@code env_file}, secret files, bind sources) start
     * @param variables what {@code ${VAR}} reads
     * @throws ComposeException one line: {@code file:line: key.path: problem}
     */
    public static Parsed parse(String text, String shown, Path directory, Map<String, String> variables) {
        LoadSettings settings = LoadSettings.builder().setLabel(shown).setUseMarks(true)
                .setMaxAliasesForCollections(50).setAllowRecursiveKeys(false).setCodePointLimit(MAX_CODE_POINTS)
                .build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            throw new ComposeException((mark == null ? shown : shown + ":" + (mark.getLine() + 1)) + ": invalid YAML: "
                    + oneLine(e.getProblem() == null ? e.getContext() : e.getProblem()));
        } catch (YamlEngineException | IllegalArgumentException | IllegalStateException e) {
            // snakeyaml-engine refuses some malformed input (a tag with spaces) with plain runtime exceptions.
            throw new ComposeException(shown + ": invalid YAML: " + oneLine(e.getMessage()));
        }
        if (root.isEmpty()) {
            throw new ComposeException(shown + ": the file is empty");
        }
        ComposeParser p = new ComposeParser(new Interpolation(variables), directory);
        ComposeFile file = p.file(new Cursor(root.get(), "", p.interpolation));
        return new Parsed(file, Map.copyOf(p.origins), List.copyOf(p.warnings));
    }

    private ComposeFile file(Cursor root) {
        Map<String, Cursor> top = root.mapping(TOP);
        Cursor version = top.get("version");
        if (version != null && !version.isNull()) {
            version.text(); // any version: the compose spec ignores it, and so does docker stack
        }
        Map<String, ServiceDef> services = new LinkedHashMap<>();
        entries(top.get("services")).forEach((name, c) -> services.put(name, service(name, c)));
        Map<String, NetworkDef> networks = new LinkedHashMap<>();
        entries(top.get("networks")).forEach((name, c) -> networks.put(name, network(c)));
        Map<String, VolumeDef> volumes = new LinkedHashMap<>();
        entries(top.get("volumes")).forEach((name, c) -> volumes.put(name, volume(c)));
        Map<String, SecretDef> secrets = new LinkedHashMap<>();
        entries(top.get("secrets")).forEach((name, c) -> secrets.put(name, secret(c)));
        return new ComposeFile(services, networks, volumes, secrets);
    }

    /** A section of named entries; a bad name is refused. */
    private Map<String, Cursor> entries(Cursor section) {
        if (section == null || section.isNull()) {
            return Map.of();
        }
        Map<String, Cursor> entries = section.mapping(null);
        for (Map.Entry<String, Cursor> e : entries.entrySet()) {
            if (!NAME.matcher(e.getKey()).matches() || e.getKey().length() > 63) {
                throw e.getValue().error("invalid name: use 1-63 characters [a-zA-Z0-9_.-], starting with a letter"
                        + " or digit");
            }
        }
        return entries;
    }

    private ServiceDef service(String name, Cursor c) {
        origin(c.path(), c);
        Map<String, Cursor> m = c.isNull() ? Map.of() : c.mapping(SERVICE);
        if (m.containsKey("build")) {
            warnings.add(m.get("build").where() + ": " + m.get("build").path()
                    + ": ignored: stacks deploy images, build them first");
        }
        String image = opt(m, "image", Cursor::text);
        if (image != null) {
            if (image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
                throw m.get("image").error("invalid image " + Cursor.quoted(image));
            }
        }
        Map<String, String> environment = null;
        if (m.containsKey("env_file")) {
            environment = new LinkedHashMap<>(envFiles(m.get("env_file")));
        }
        if (m.containsKey("environment") && !m.get("environment").isNull()) {
            Map<String, String> explicit = fromEnvironment(m.get("environment").stringMap());
            environment = environment == null ? new LinkedHashMap<>() : environment;
            environment.putAll(explicit);
        }
        return new ServiceDef(image, opt(m, "command", this::words), opt(m, "entrypoint", this::words), environment,
                opt(m, "ports", this::ports), opt(m, "networks", this::serviceNetworks),
                opt(m, "volumes", this::mounts), opt(m, "secrets", this::secretUses),
                opt(m, "healthcheck", this::healthcheck), opt(m, "stop_grace_period", this::duration),
                opt(m, "user", Cursor::text), opt(m, "cap_add", this::capabilities),
                opt(m, "cap_drop", this::capabilities), opt(m, "labels", this::labels), opt(m, "deploy", this::deploy));
    }

    /** Where {@code at} is, under a key the checks after a merge look it up by. */
    private void origin(String key, Cursor at) {
        origins.put(key, at.where() + ": " + at.path());
    }

    /** A key that is absent or null reads as not given. */
    private static <T> T opt(Map<String, Cursor> m, String key, Function<Cursor, T> read) {
        Cursor c = m.get(key);
        return c == null || c.isNull() ? null : read.apply(c);
    }

    /** A variable named without a value takes the environment's, as docker compose does; unset stays null. */
    private Map<String, String> fromEnvironment(Map<String, String> given) {
        Map<String, String> out = new LinkedHashMap<>();
        given.forEach((k, v) -> out.put(k, v != null ? v : interpolation.variable(k)));
        return out;
    }

    private Map<String, String> envFiles(Cursor c) {
        List<Cursor> files = c.isSequence() ? c.sequence() : List.of(c);
        Map<String, String> out = new LinkedHashMap<>();
        for (Cursor f : files) {
            String path = f.text();
            try {
                out.putAll(EnvFile.read(directory.resolve(path), path));
            } catch (ComposeException e) {
                throw f.error(e.getMessage());
            }
        }
        return out;
    }

    private List<String> words(Cursor c) {
        if (c.isSequence()) {
            return c.texts();
        }
        try {
            return ShellWords.split(c.text());
        } catch (IllegalArgumentException e) {
            throw c.error("cannot split " + Cursor.quoted(c.text()) + " into words: " + e.getMessage());
        }
    }

    private List<PortDef> ports(Cursor c) {
        List<PortDef> out = new ArrayList<>();
        for (Cursor p : c.sequence()) {
            out.add(p.isMapping() ? longPort(p) : shortPort(p));
        }
        return out;
    }

    private static PortDef shortPort(Cursor c) {
        String text = c.text().strip();
        Matcher m = SHORT_PORT.matcher(text);
        if (!m.matches()) {
            throw c.error("invalid port " + Cursor.quoted(text) + ": expected [PUBLISHED:]TARGET[/PROTOCOL]");
        }
        if (m.group(1) != null) {
            throw c.error("invalid port " + Cursor.quoted(text) + ": a host address is not supported in a swarm");
        }
        if (text.indexOf('-') >= 0) {
            throw c.error("invalid port " + Cursor.quoted(text) + ": port ranges are not supported");
        }
        Integer published = m.group(2) == null ? null : portNumber(c, m.group(2), text);
        String protocol = m.group(4) == null ? "tcp" : m.group(4).toLowerCase(java.util.Locale.ROOT);
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw c.error("invalid port " + Cursor.quoted(text) + ": the protocol is tcp or udp");
        }
        return new PortDef(portNumber(c, m.group(3), text), published, protocol, "ingress");
    }

    private static int portNumber(Cursor c, String digits, String text) {
        try {
            int n = Integer.parseInt(digits);
            if (n >= 1 && n <= 65_535) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw c.error("invalid port " + Cursor.quoted(text) + ": a port is 1 to 65535");
    }

    private static PortDef longPort(Cursor c) {
        Map<String, Cursor> m = c.mapping(PORT);
        if (!m.containsKey("target")) {
            throw c.error("a port needs a target");
        }
        return new PortDef(m.get("target").integer(1, 65_535), opt(m, "published", p -> p.integer(1, 65_535)),
                m.containsKey("protocol") ? m.get("protocol").choice("tcp", "udp") : "tcp",
                m.containsKey("mode") ? m.get("mode").choice("ingress", "host") : "ingress");
    }

    private Map<String, List<String>> serviceNetworks(Cursor c) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (c.isSequence()) {
            for (Cursor n : c.sequence()) {
                String name = n.text();
                origin(c.path() + "." + name, n);
                if (out.put(name, List.of()) != null) {
                    throw n.error("network " + name + " is listed twice");
                }
            }
            return out;
        }
        for (Map.Entry<String, Cursor> e : c.mapping(null).entrySet()) {
            origin(e.getValue().path(), e.getValue());
            Cursor v = e.getValue();
            List<String> aliases = List.of();
            if (!v.isNull()) {
                Cursor a = v.mapping(Set.of("aliases")).get("aliases");
                aliases = a == null || a.isNull() ? List.of() : a.texts();
            }
            out.put(e.getKey(), aliases);
        }
        return out;
    }

    private List<MountDef> mounts(Cursor c) {
        List<MountDef> out = new ArrayList<>();
        for (Cursor v : c.sequence()) {
            MountDef mount = v.isMapping() ? longMount(v) : shortMount(v);
            origin(c.path() + "." + mount.target(), v);
            out.add(mount);
        }
        return out;
    }

    private MountDef shortMount(Cursor c) {
        String text = c.text();
        String[] parts = text.split(":", -1);
        if (parts.length > 3 || parts[parts.length - 1].isEmpty() || parts[0].isEmpty()) {
            throw c.error("invalid volume " + Cursor.quoted(text) + ": expected [SOURCE:]TARGET[:ro|rw]");
        }
        if (parts.length == 1) {
            return new MountDef("volume", null, absoluteTarget(c, parts[0]), false);
        }
        boolean readOnly = false;
        if (parts.length == 3) {
            if (!parts[2].equals("ro") && !parts[2].equals("rw")) {
                throw c.error("invalid volume " + Cursor.quoted(text) + ": the mode is ro or rw");
            }
            readOnly = parts[2].equals("ro");
        }
        String source = parts[0];
        boolean bind = source.startsWith("/") || source.startsWith(".") || source.startsWith("~");
        return new MountDef(bind ? "bind" : "volume", bind ? bindSource(source) : source, absoluteTarget(c, parts[1]),
                readOnly);
    }

    private MountDef longMount(Cursor c) {
        Map<String, Cursor> m = c.mapping(MOUNT);
        String type = m.containsKey("type") ? m.get("type").choice("volume", "bind", "tmpfs") : "volume";
        if (!m.containsKey("target")) {
            throw c.error("a volume needs a target");
        }
        String source = opt(m, "source", Cursor::text);
        if (type.equals("bind")) {
            if (source == null) {
                throw c.error("a bind mount needs a source");
            }
            source = bindSource(source);
        }
        return new MountDef(type, source, absoluteTarget(m.get("target"), m.get("target").text()),
                m.containsKey("read_only") && m.get("read_only").bool());
    }

    private String bindSource(String source) {
        if (source.startsWith("~")) {
            return source; // the node's home, not the CLI's
        }
        return directory.resolve(source).normalize().toString();
    }

    private static String absoluteTarget(Cursor c, String target) {
        if (!target.startsWith("/")) {
            throw c.error("invalid volume target " + Cursor.quoted(target) + ": must be an absolute path");
        }
        return target;
    }

    private List<SecretUse> secretUses(Cursor c) {
        List<SecretUse> out = new ArrayList<>();
        for (Cursor s : c.sequence()) {
            if (!s.isMapping()) {
                origin(c.path() + "." + s.text(), s);
                out.add(new SecretUse(s.text(), null, null, null, null));
                continue;
            }
            Map<String, Cursor> m = s.mapping(SECRET_USE);
            if (!m.containsKey("source")) {
                throw s.error("a secret needs a source");
            }
            String target = opt(m, "target", Cursor::text);
            if (target != null && (target.isEmpty() || target.contains("/") || target.equals(".")
                    || target.equals(".."))) {
                throw m.get("target").error("invalid target " + Cursor.quoted(target)
                        + ": a file name under /run/secrets, without /");
            }
            origin(c.path() + "." + m.get("source").text(), s);
            out.add(new SecretUse(m.get("source").text(), target, opt(m, "uid", this::id),
                    opt(m, "gid", this::id), opt(m, "mode", this::fileMode)));
        }
        return out;
    }

    private Integer id(Cursor c) {
        return c.integer(0, Integer.MAX_VALUE);
    }

    /** {@code 0440} and {@code 0o440} are octal, as Docker reads them; {@code 288} decimal. */
    private Integer fileMode(Cursor c) {
        String t = c.text().strip();
        try {
            int mode = t.startsWith("0o") ? Integer.parseInt(t.substring(2), 8)
                    : t.startsWith("0") && t.length() > 1 ? Integer.parseInt(t.substring(1), 8) : Integer.parseInt(t);
            if (mode >= 0 && mode <= 0777) {
                return mode;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw c.error("invalid mode " + Cursor.quoted(t) + ": expected octal permission bits up to 0777");
    }

    private HealthcheckDef healthcheck(Cursor c) {
        Map<String, Cursor> m = c.mapping(HEALTH);
        List<String> test = null;
        Cursor t = m.get("test");
        if (t != null && !t.isNull()) {
            if (t.isSequence()) {
                test = t.texts();
                if (test.isEmpty() || !List.of("CMD", "CMD-SHELL", "NONE").contains(test.get(0))
                        || (test.get(0).equals("NONE") ? test.size() != 1 : test.size() < 2)
                        || (test.get(0).equals("CMD-SHELL") && test.size() != 2)) {
                    throw t.error("invalid test: expected [CMD, PROG, ARG...], [CMD-SHELL, COMMAND], [NONE] or a"
                            + " string");
                }
            } else {
                String shell = t.text();
                if (shell.isBlank()) {
                    throw t.error("the test command is empty");
                }
                test = List.of("CMD-SHELL", shell);
            }
        }
        return new HealthcheckDef(test, opt(m, "interval", this::duration), opt(m, "timeout", this::duration),
                opt(m, "start_period", this::duration), opt(m, "retries", r -> r.integer(1, 1_000_000)),
                opt(m, "disable", Cursor::bool));
    }

    private String duration(Cursor c) {
        String t = c.text().strip();
        if (Quantities.millis(t).isEmpty()) {
            throw c.error("invalid duration " + Cursor.quoted(t) + ": expected a duration like 30s, 1m30s or 500ms");
        }
        return t;
    }

    private static final Pattern CAPABILITY = Pattern.compile("[A-Za-z_]{1,40}");

    private List<String> capabilities(Cursor c) {
        List<String> out = new ArrayList<>();
        for (Cursor cap : c.sequence()) {
            String t = cap.text().strip();
            if (!CAPABILITY.matcher(t).matches()) {
                throw cap.error("invalid capability " + Cursor.quoted(t) + ": expected a name like NET_ADMIN");
            }
            out.add(t);
        }
        return out;
    }

    private Map<String, String> labels(Cursor c) {
        Map<String, String> labels = c.stringMap();
        labels.replaceAll((k, v) -> v == null ? "" : v);
        for (String key : labels.keySet()) {
            if (key.isEmpty() || key.chars().anyMatch(ch -> Character.isWhitespace(ch) || ch == 0)) {
                throw c.error("invalid label " + Cursor.quoted(key) + ": a key is not empty and has no whitespace");
            }
        }
        return labels;
    }

    private DeployDef deploy(Cursor c) {
        Map<String, Cursor> m = c.mapping(DEPLOY);
        return new DeployDef(opt(m, "mode", x -> x.choice("replicated", "global")),
                opt(m, "replicas", x -> x.integer(0, 10_000)), opt(m, "placement", this::placement),
                opt(m, "update_config", this::updateConfig), opt(m, "rollback_config", this::updateConfig),
                opt(m, "restart_policy", this::restartPolicy), opt(m, "resources", this::resources),
                opt(m, "endpoint_mode", x -> x.choice("vip", "dnsrr")), opt(m, "labels", this::labels));
    }

    private Placement placement(Cursor c) {
        Map<String, Cursor> m = c.mapping(PLACEMENT);
        List<String> preferences = null;
        if (m.containsKey("preferences") && !m.get("preferences").isNull()) {
            preferences = new ArrayList<>();
            for (Cursor p : m.get("preferences").sequence()) {
                preferences.add(p.mapping(Set.of("spread")).getOrDefault("spread", p).text());
            }
        }
        List<String> constraints = opt(m, "constraints", Cursor::texts);
        if (constraints != null) {
            for (int i = 0; i < constraints.size(); i++) {
                String k = constraints.get(i);
                if (!k.contains("==") && !k.contains("!=")) {
                    throw m.get("constraints").sequence().get(i).error("invalid constraint " + Cursor.quoted(k)
                            + ": expected KEY==VALUE or KEY!=VALUE");
                }
            }
        }
        return new Placement(constraints, preferences, opt(m, "max_replicas_per_node", x -> x.integer(0, 10_000)));
    }

    private UpdateConfig updateConfig(Cursor c) {
        Map<String, Cursor> m = c.mapping(UPDATE);
        String ratio = opt(m, "max_failure_ratio", Cursor::text);
        if (ratio != null) {
            try {
                double r = Double.parseDouble(ratio);
                if (!(r >= 0 && r <= 1)) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw m.get("max_failure_ratio").error("invalid ratio " + Cursor.quoted(ratio)
                        + ": expected a number from 0 to 1");
            }
        }
        return new UpdateConfig(opt(m, "parallelism", x -> x.integer(0, 10_000)), opt(m, "delay", this::duration),
                opt(m, "failure_action", x -> x.choice("continue", "rollback", "pause")),
                opt(m, "monitor", this::duration), ratio, opt(m, "order", x -> x.choice("stop-first", "start-first")));
    }

    private RestartPolicy restartPolicy(Cursor c) {
        Map<String, Cursor> m = c.mapping(RESTART);
        return new RestartPolicy(opt(m, "condition", x -> x.choice("none", "on-failure", "any")),
                opt(m, "delay", this::duration), opt(m, "max_attempts", x -> x.integer(0, Integer.MAX_VALUE)),
                opt(m, "window", this::duration));
    }

    private Resources resources(Cursor c) {
        Map<String, Cursor> m = c.mapping(RESOURCES);
        return new Resources(opt(m, "limits", this::limits), opt(m, "reservations", this::limits));
    }

    private Limits limits(Cursor c) {
        Map<String, Cursor> m = c.mapping(LIMITS);
        String cpus = opt(m, "cpus", Cursor::text);
        if (cpus != null && Quantities.nanoCpus(cpus).isEmpty()) {
            throw m.get("cpus").error("invalid cpus " + Cursor.quoted(cpus) + ": expected a number of CPUs like 0.5");
        }
        String memory = opt(m, "memory", Cursor::text);
        if (memory != null && Quantities.bytes(memory).isEmpty()) {
            throw m.get("memory").error("invalid memory " + Cursor.quoted(memory)
                    + ": expected a size like 256M, 1G or 512k");
        }
        return new Limits(cpus == null ? null : cpus.strip(), memory == null ? null : memory.strip());
    }

    private NetworkDef network(Cursor c) {
        if (c.isNull()) {
            return new NetworkDef(null, null, null, null, null, null);
        }
        Map<String, Cursor> m = c.mapping(NETWORK);
        String driver = opt(m, "driver", x -> x.choice("overlay"));
        Map<String, String> opts = opt(m, "driver_opts", Cursor::stringMap);
        if (opts != null) {
            for (Map.Entry<String, String> o : opts.entrySet()) {
                if (!o.getKey().equals("encrypted") || !(o.getValue() == null || o.getValue().isEmpty()
                        || o.getValue().equals("true") || o.getValue().equals("false"))) {
                    throw m.get("driver_opts").error("unsupported option " + Cursor.quoted(o.getKey())
                            + ": the overlay driver takes encrypted (\"\", true or false)");
                }
            }
        }
        External external = external(m);
        return new NetworkDef(driver, opts, opt(m, "attachable", Cursor::bool), external.external,
                external.name, opt(m, "labels", this::labels));
    }

    private VolumeDef volume(Cursor c) {
        if (c.isNull()) {
            return new VolumeDef(null, null, null, null, null);
        }
        Map<String, Cursor> m = c.mapping(VOLUME);
        External external = external(m);
        return new VolumeDef(opt(m, "driver", Cursor::text), opt(m, "driver_opts", Cursor::stringMap),
                external.external, external.name, opt(m, "labels", this::labels));
    }

    private SecretDef secret(Cursor c) {
        Map<String, Cursor> m = c.isNull() ? Map.of() : c.mapping(SECRET);
        External external = external(m);
        String file = opt(m, "file", Cursor::text);
        if ((file == null) == !Boolean.TRUE.equals(external.external)) {
            throw c.error("a secret needs either file or external: true");
        }
        return new SecretDef(file == null ? null : directory.resolve(file).normalize().toString(), external.external,
                external.name, opt(m, "labels", this::labels));
    }

    private record External(Boolean external, String name) {
    }

    /** {@code external: true} with {@code name:}, or the older {@code external: {name: X}}. */
    private static External external(Map<String, Cursor> m) {
        String name = opt(m, "name", Cursor::text);
        Cursor e = m.get("external");
        if (e == null || e.isNull()) {
            return new External(null, name);
        }
        if (e.isMapping()) {
            Cursor n = e.mapping(Set.of("name")).get("name");
            if (n != null && name != null) {
                throw n.error("give the name once: external.name or name");
            }
            return new External(true, n == null ? name : n.text());
        }
        return new External(e.bool(), name);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}
