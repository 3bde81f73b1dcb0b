package io.trellis.stack;

import io.trellis.api.ContainerOptions;
import io.trellis.api.NetworkCreateRequest;
import io.trellis.api.RestartPolicyOptions;
import io.trellis.api.ServiceCreateRequest;
import io.trellis.api.UpdateConfigOptions;
import io.trellis.cli.CliException;
import io.trellis.stack.compose.ComposeFile;
import io.trellis.stack.compose.DeployDef;
import io.trellis.stack.compose.HealthcheckDef;
import io.trellis.stack.compose.NetworkDef;
import io.trellis.stack.compose.SecretDef;
import io.trellis.stack.compose.ServiceDef;
import io.trellis.stack.compose.ServiceDef.MountDef;
import io.trellis.stack.compose.ServiceDef.PortDef;
import io.trellis.stack.compose.ServiceDef.SecretUse;
import io.trellis.stack.compose.VolumeDef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A compose file in the admin API's terms: the stack's networks, secrets and services as {@code network
 * create}, {@code secret create} and {@code service create} requests, named {@code STACK_KEY} and labelled
 * {@value StackLabels#NAMESPACE}. What the API takes today is converted; a key it does not yet take would be listed
 * by {@link #notApplied}, the one place to extend when the compose model outgrows the API (none today).
 */
public final class StackConverter {
    /** The secret size limit of {@code secret create} (500 KiB). */
    static final int MAX_SECRET_BYTES = 500 * 1024;
    private static final int MAX_NAME = 63;
    private static final Pattern DNS_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    private static final Pattern SECRET_TARGET = Pattern.compile("[^/,=\\s]+");
    private static final String DEFAULT_NETWORK = "default";

    private StackConverter() {
    }

    /** @throws CliException one line when the file asks what the cluster cannot do, before anything is sent */
    public static StackPlan convert(String stack, ComposeFile file) {
        StackLabels.checkStackName(stack);
        Map<String, StackPlan.Network> networks = new LinkedHashMap<>();
        Map<String, StackPlan.Secret> secrets = new LinkedHashMap<>();
        List<StackPlan.Service> services = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, ServiceDef> e : file.services().entrySet()) {
            ServiceDef s = e.getValue();
            for (String key : networkKeys(s)) {
                networks.computeIfAbsent(key, k -> network(stack, k, file.networks().get(k)));
            }
            if (s.secrets() != null) {
                for (SecretUse u : s.secrets()) {
                    secrets.computeIfAbsent(u.source(), k -> secret(stack, k, file.secrets().get(k)));
                }
            }
            services.add(new StackPlan.Service(e.getKey(), service(stack, file, e.getKey(), s, networks, secrets)));
            for (String item : notApplied(s)) {
                warnings.add("services." + e.getKey() + "." + item + ": not applied yet (kept in the file)");
            }
        }
        return new StackPlan(stack, List.copyOf(networks.values()), List.copyOf(secrets.values()), services,
                warnings);
    }

    /**
     * The seam for what the admin API does not take yet: each compose key here is parsed and kept in the model,
     * but {@link #service} does not send it. Wire it into the request and drop it from this list as the API gains
     * it.
     */
    static List<String> notApplied(ServiceDef s) {
        return List.of(); // everything parsed is applied today; keep the seam for the next key
    }

    /** The networks a service attaches to, in order; none named: the stack's default network, as in Docker. */
    static Set<String> networkKeys(ServiceDef s) {
        return s.networks() == null || s.networks().isEmpty() ? Set.of(DEFAULT_NETWORK)
                : new LinkedHashSet<>(s.networks().keySet());
    }

    private static StackPlan.Network network(String stack, String key, NetworkDef def) {
        NetworkDef d = def != null ? def : new NetworkDef(null, null, null, null, null, null);
        if (Boolean.TRUE.equals(d.external())) {
            return new StackPlan.Network(key, d.name() != null ? d.name() : key, null);
        }
        String name = checkedName("network", d.name() != null ? d.name() : StackLabels.scoped(stack, key));
        List<String> opts = new ArrayList<>();
        String encrypted = d.driverOpts() == null ? null : d.driverOpts().getOrDefault("encrypted", "false");
        if (d.driverOpts() != null && d.driverOpts().containsKey("encrypted")
                && (encrypted == null || encrypted.isEmpty() || encrypted.equals("true"))) {
            opts.add("encrypted");
        }
        return new StackPlan.Network(key, name, new NetworkCreateRequest(name, "overlay", null, null,
                Boolean.TRUE.equals(d.attachable()), opts, labelList(stack, d.labels())));
    }

    private static StackPlan.Secret secret(String stack, String key, SecretDef d) {
        if (Boolean.TRUE.equals(d.external())) {
            return new StackPlan.Secret(key, d.name() != null ? d.name() : key, null, List.of());
        }
        String name = checkedName("secret", d.name() != null ? d.name() : StackLabels.scoped(stack, key));
        Path file = Path.of(d.file());
        byte[] data;
        try {
            if (Files.size(file) > MAX_SECRET_BYTES) {
                throw CliException.user("secrets." + key + ": " + file + " is " + Files.size(file)
                        + " bytes; the limit is " + MAX_SECRET_BYTES + " (500 KiB)");
            }
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw CliException.user("secrets." + key + ": cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        if (data.length == 0) {
            throw CliException.user("secrets." + key + ": " + file + " is empty");
        }
        return new StackPlan.Secret(key, name, data, labelList(stack, d.labels()));
    }

    private static ServiceCreateRequest service(String stack, ComposeFile file, String key, ServiceDef s,
                                                Map<String, StackPlan.Network> networks,
                                                Map<String, StackPlan.Secret> secrets) {
        String name = checkedName("service", StackLabels.scoped(stack, key));
        String at = "services." + key;
        List<String> command = new ArrayList<>();
        if (s.entrypoint() != null) {
            command.addAll(s.entrypoint());
        }
        if (s.command() != null) {
            command.addAll(s.command());
        }
        List<String> env = new ArrayList<>();
        if (s.environment() != null) {
            // Sorted, as Docker does: the same file always gives the same spec, whatever the key order.
            new TreeMap<>(s.environment()).forEach((k, v) -> {
                if (v != null) {
                    env.add(k + "=" + v);
                }
            });
        }
        List<String> attach = new ArrayList<>();
        for (String n : networkKeys(s)) {
            // The service's key is an alias on each of its networks: the stack's services find each other by it.
            List<String> aliases = new ArrayList<>(List.of(key));
            if (s.networks() != null && s.networks().get(n) != null) {
                for (String a : s.networks().get(n)) {
                    if (!DNS_NAME.matcher(a).matches()) {
                        throw CliException.user(at + ".networks." + n + ": invalid alias \"" + a + "\"");
                    }
                    if (!aliases.contains(a)) {
                        aliases.add(a);
                    }
                }
            }
            StringBuilder option = new StringBuilder("name=").append(networks.get(n).name());
            aliases.forEach(a -> option.append(",alias=").append(a));
            attach.add(option.toString());
        }
        List<String> publish = new ArrayList<>();
        if (s.ports() != null) {
            for (PortDef p : s.ports()) {
                publish.add(port(p));
            }
        }
        List<String> secretOptions = new ArrayList<>();
        if (s.secrets() != null) {
            for (SecretUse u : s.secrets()) {
                secretOptions.add(secretOption(at, u, secrets.get(u.source()).name()));
            }
        }
        DeployDef d = s.deploy();
        String mode = d == null ? null : d.mode();
        Integer replicas = d == null ? null : d.replicas();
        List<String> constraints = d == null || d.placement() == null || d.placement().constraints() == null
                ? List.of() : d.placement().constraints();
        Integer maxPerNode = d == null || d.placement() == null ? null : d.placement().maxReplicasPerNode();
        String endpointMode = d == null ? null : d.endpointMode();
        Map<String, String> labels = new TreeMap<>();
        if (d != null && d.labels() != null) {
            labels.putAll(d.labels());
        }
        labels.put(StackLabels.NAMESPACE, stack);
        List<String> mounts = new ArrayList<>();
        for (MountDef m : s.volumes() == null ? List.<MountDef>of() : s.volumes()) {
            mounts.add(mount(stack, file, m));
        }
        List<String> preferences = d == null || d.placement() == null || d.placement().preferences() == null
                ? List.of() : d.placement().preferences().stream().map(p -> "spread=" + p).toList();
        List<String> containerLabels = new ArrayList<>();
        if (s.labels() != null) {
            new TreeMap<>(s.labels()).forEach((k, v) -> containerLabels.add(k + "=" + (v == null ? "" : v)));
        }
        return new ServiceCreateRequest(name, s.image(), command, env, replicas, mode, constraints, maxPerNode, attach,
                endpointMode, publish, null,
                container(at, s).withSecrets(secretOptions).withMounts(mounts).withLabels(containerLabels), labels,
                updateOptions(d == null ? null : d.updateConfig()),
                updateOptions(d == null ? null : d.rollbackConfig()),
                restartOptions(d == null ? null : d.restartPolicy()), s.stopGracePeriod(), preferences);
    }

    private static RestartPolicyOptions restartOptions(DeployDef.RestartPolicy r) {
        return r == null ? null : new RestartPolicyOptions(r.condition(), r.delay(), r.maxAttempts(), r.window());
    }

    private static UpdateConfigOptions updateOptions(DeployDef.UpdateConfig u) {
        return u == null ? null : new UpdateConfigOptions(u.parallelism(), u.delay(), u.failureAction(), u.monitor(),
                u.maxFailureRatio(), u.order());
    }

    /**
     * {@code --mount} for a service's volume: a named volume is the stack's ({@code STACK_NAME}) unless the file
     * says it is external or names it, as {@code docker stack deploy} does.
     */
    private static String mount(String stack, ComposeFile file, MountDef m) {
        String type = m.type() == null ? "volume" : m.type();
        String source = m.source();
        if (type.equals("volume") && source != null) {
            VolumeDef v = file.volumes().get(source);
            if (v != null && v.name() != null) {
                source = v.name();
            } else if (v == null || !Boolean.TRUE.equals(v.external())) {
                source = StackLabels.scoped(stack, source);
            }
        }
        return mount(type, source, m.target(), m.readOnly());
    }

    /** The long form of {@code --mount}, as {@link ServiceChanges} compares it with the stored mounts. */
    static String mount(String type, String source, String target, boolean readOnly) {
        return "type=" + type + (source == null || type.equals("tmpfs") ? "" : ",source=" + source) + ",target="
                + target + (readOnly ? ",readonly" : "");
    }

    /** {@code published=P,target=T,protocol=tcp,mode=ingress}, the long form of {@code --publish}. */
    static String port(PortDef p) {
        return (p.published() == null ? "" : "published=" + p.published() + ",") + "target=" + p.target()
                + ",protocol=" + p.protocol() + ",mode=" + p.mode();
    }

    private static String secretOption(String at, SecretUse u, String secretName) {
        String target = u.target() != null ? u.target() : u.source();
        if (!SECRET_TARGET.matcher(target).matches()) {
            throw CliException.user(at + ".secrets: invalid target \"" + target + "\"");
        }
        return "source=" + secretName + ",target=" + target + ",uid=" + (u.uid() == null ? 0 : u.uid())
                + ",gid=" + (u.gid() == null ? 0 : u.gid())
                + ",mode=0" + Integer.toOctalString(u.mode() == null ? 0444 : u.mode());
    }

    private static ContainerOptions container(String at, ServiceDef s) {
        DeployDef.Resources r = s.deploy() == null ? null : s.deploy().resources();
        DeployDef.Limits limits = r == null ? null : r.limits();
        DeployDef.Limits reservations = r == null ? null : r.reservations();
        HealthcheckDef h = s.healthcheck();
        String healthCmd = null;
        Boolean noHealthcheck = null;
        if (h != null) {
            boolean disabled = Boolean.TRUE.equals(h.disable())
                    || (h.test() != null && h.test().get(0).equals("NONE"));
            if (disabled) {
                noHealthcheck = true;
            } else if (h.test() == null) {
                throw CliException.user(at + ".healthcheck: a test is required (the task's image gives none)");
            } else {
                healthCmd = HealthCommand.shell(h.test());
            }
        }
        boolean checked = healthCmd != null;
        return new ContainerOptions(null, s.user(), s.capAdd(), s.capDrop(),
                limits == null ? null : limits.cpus(), limits == null ? null : limits.memory(),
                reservations == null ? null : reservations.cpus(), reservations == null ? null : reservations.memory(),
                healthCmd, checked ? h.interval() : null, checked ? h.timeout() : null,
                checked ? h.startPeriod() : null, checked ? h.retries() : null, noHealthcheck, List.of());
    }

    private static String checkedName(String kind, String name) {
        if (name.length() > MAX_NAME || !DNS_NAME.matcher(name).matches()) {
            throw CliException.user("invalid " + kind + " name \"" + name + "\": use 1-" + MAX_NAME
                    + " characters [a-zA-Z0-9_.-], starting with a letter or digit (a shorter stack name helps)");
        }
        return name;
    }

    private static List<String> labelList(String stack, Map<String, String> labels) {
        Map<String, String> all = new TreeMap<>();
        if (labels != null) {
            all.putAll(labels);
        }
        all.put(StackLabels.NAMESPACE, stack);
        return all.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }
}
