package io.trellis.stack.compose;

import io.trellis.stack.compose.DeployDef.Limits;
import io.trellis.stack.compose.DeployDef.UpdateConfig;
import io.trellis.stack.compose.ServiceDef.MountDef;
import io.trellis.stack.compose.ServiceDef.PortDef;
import io.trellis.stack.compose.ServiceDef.SecretUse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * A {@link ComposeFile} as one compose file, what {@code stack config} prints: keys sorted, long syntax for
 * ports, volumes and secrets, {@code $} written {@code $$} (the values are already interpolated), so that
 * {@link ComposeParser} reads back the same file. A service's networks keep their order: the first gives the
 * default route.
 */
public final class CanonicalYaml {
    private CanonicalYaml() {
    }

    public static String write(ComposeFile file) {
        Map<String, Object> root = new TreeMap<>();
        Map<String, Object> services = new TreeMap<>();
        file.services().forEach((k, v) -> services.put(k, service(v)));
        root.put("services", services);
        putSection(root, "networks", file.networks(), CanonicalYaml::network);
        putSection(root, "volumes", file.volumes(), CanonicalYaml::volume);
        putSection(root, "secrets", file.secrets(), CanonicalYaml::secret);
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setIndent(2)
                .setWidth(Integer.MAX_VALUE).build();
        return new Dump(settings).dumpToString(root);
    }

    private static <T> void putSection(Map<String, Object> root, String key, Map<String, T> entries,
                                       java.util.function.Function<T, Map<String, Object>> write) {
        if (!entries.isEmpty()) {
            Map<String, Object> section = new TreeMap<>();
            entries.forEach((k, v) -> section.put(k, write.apply(v)));
            root.put(key, section);
        }
    }

    private static Map<String, Object> service(ServiceDef s) {
        Map<String, Object> m = new TreeMap<>();
        put(m, "image", s.image());
        put(m, "command", texts(s.command()));
        put(m, "entrypoint", texts(s.entrypoint()));
        put(m, "environment", textMap(s.environment()));
        if (s.ports() != null) {
            List<Object> ports = new ArrayList<>();
            for (PortDef p : s.ports()) {
                Map<String, Object> port = new TreeMap<>();
                port.put("target", p.target());
                put(port, "published", p.published());
                port.put("protocol", p.protocol());
                port.put("mode", p.mode());
                ports.add(port);
            }
            m.put("ports", ports);
        }
        if (s.networks() != null) {
            Map<String, Object> networks = new LinkedHashMap<>();
            s.networks().forEach((name, aliases) -> networks.put(name, aliases.isEmpty() ? null
                    : Map.of("aliases", texts(aliases))));
            m.put("networks", networks);
        }
        if (s.volumes() != null) {
            List<Object> volumes = new ArrayList<>();
            for (MountDef v : s.volumes()) {
                Map<String, Object> mount = new TreeMap<>();
                mount.put("type", v.type());
                put(mount, "source", v.source());
                mount.put("target", escape(v.target()));
                if (v.readOnly()) {
                    mount.put("read_only", true);
                }
                volumes.add(mount);
            }
            m.put("volumes", volumes);
        }
        if (s.secrets() != null) {
            List<Object> secrets = new ArrayList<>();
            for (SecretUse u : s.secrets()) {
                Map<String, Object> secret = new TreeMap<>();
                secret.put("source", u.source());
                put(secret, "target", u.target());
                put(secret, "uid", u.uid());
                put(secret, "gid", u.gid());
                put(secret, "mode", u.mode() == null ? null : String.format("0%o", u.mode()));
                secrets.add(secret);
            }
            m.put("secrets", secrets);
        }
        if (s.healthcheck() != null) {
            HealthcheckDef h = s.healthcheck();
            Map<String, Object> health = new TreeMap<>();
            put(health, "test", texts(h.test()));
            put(health, "interval", h.interval());
            put(health, "timeout", h.timeout());
            put(health, "start_period", h.startPeriod());
            put(health, "retries", h.retries());
            put(health, "disable", h.disable());
            m.put("healthcheck", health);
        }
        put(m, "stop_grace_period", s.stopGracePeriod());
        put(m, "user", s.user());
        put(m, "cap_add", texts(s.capAdd()));
        put(m, "cap_drop", texts(s.capDrop()));
        put(m, "labels", textMap(s.labels()));
        if (s.deploy() != null) {
            m.put("deploy", deploy(s.deploy()));
        }
        return m;
    }

    private static Map<String, Object> deploy(DeployDef d) {
        Map<String, Object> m = new TreeMap<>();
        put(m, "mode", d.mode());
        put(m, "replicas", d.replicas());
        if (d.placement() != null) {
            Map<String, Object> p = new TreeMap<>();
            put(p, "constraints", texts(d.placement().constraints()));
            if (d.placement().preferences() != null) {
                p.put("preferences", d.placement().preferences().stream()
                        .map(x -> Map.of("spread", escape(x))).toList());
            }
            put(p, "max_replicas_per_node", d.placement().maxReplicasPerNode());
            m.put("placement", p);
        }
        put(m, "update_config", updateConfig(d.updateConfig()));
        put(m, "rollback_config", updateConfig(d.rollbackConfig()));
        if (d.restartPolicy() != null) {
            Map<String, Object> r = new TreeMap<>();
            put(r, "condition", d.restartPolicy().condition());
            put(r, "delay", d.restartPolicy().delay());
            put(r, "max_attempts", d.restartPolicy().maxAttempts());
            put(r, "window", d.restartPolicy().window());
            m.put("restart_policy", r);
        }
        if (d.resources() != null) {
            Map<String, Object> r = new TreeMap<>();
            put(r, "limits", limits(d.resources().limits()));
            put(r, "reservations", limits(d.resources().reservations()));
            m.put("resources", r);
        }
        put(m, "endpoint_mode", d.endpointMode());
        put(m, "labels", textMap(d.labels()));
        return m;
    }

    private static Map<String, Object> updateConfig(UpdateConfig u) {
        if (u == null) {
            return null;
        }
        Map<String, Object> m = new TreeMap<>();
        put(m, "parallelism", u.parallelism());
        put(m, "delay", u.delay());
        put(m, "failure_action", u.failureAction());
        put(m, "monitor", u.monitor());
        put(m, "max_failure_ratio", u.maxFailureRatio());
        put(m, "order", u.order());
        return m;
    }

    private static Map<String, Object> limits(Limits l) {
        if (l == null) {
            return null;
        }
        Map<String, Object> m = new TreeMap<>();
        put(m, "cpus", l.cpus());
        put(m, "memory", l.memory());
        return m;
    }

    private static Map<String, Object> network(NetworkDef n) {
        Map<String, Object> m = new TreeMap<>();
        put(m, "driver", n.driver());
        put(m, "driver_opts", textMap(n.driverOpts()));
        put(m, "attachable", n.attachable());
        put(m, "external", n.external());
        put(m, "name", n.name());
        put(m, "labels", textMap(n.labels()));
        return m;
    }

    private static Map<String, Object> volume(VolumeDef v) {
        Map<String, Object> m = new TreeMap<>();
        put(m, "driver", v.driver());
        put(m, "driver_opts", textMap(v.driverOpts()));
        put(m, "external", v.external());
        put(m, "name", v.name());
        put(m, "labels", textMap(v.labels()));
        return m;
    }

    private static Map<String, Object> secret(SecretDef s) {
        Map<String, Object> m = new TreeMap<>();
        put(m, "file", s.file());
        put(m, "external", s.external());
        put(m, "name", s.name());
        put(m, "labels", textMap(s.labels()));
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value instanceof String text ? escape(text) : value);
        }
    }

    private static List<String> texts(List<String> l) {
        return l == null ? null : l.stream().map(CanonicalYaml::escape).toList();
    }

    /** Sorted by key; a null value (a variable without one) stays null. */
    private static Map<String, Object> textMap(Map<String, String> m) {
        if (m == null) {
            return null;
        }
        Map<String, Object> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v == null ? null : escape(v)));
        return out;
    }

    /** Values are interpolated: a {@code $} left in one must not be read as a variable again. */
    private static String escape(String s) {
        return s == null ? null : s.replace("$", "$$");
    }
}
