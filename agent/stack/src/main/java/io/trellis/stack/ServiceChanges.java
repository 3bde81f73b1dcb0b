package io.trellis.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.trellis.api.ContainerOptions;
import io.trellis.api.NetworkOption;
import io.trellis.api.RestartPolicyOptions;
import io.trellis.api.ServiceCreateRequest;
import io.trellis.api.ServiceUpdateRequest;
import io.trellis.api.ServiceView;
import io.trellis.stack.compose.Quantities;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a redeploy changes in a service that exists: the service as the cluster stores it (its {@code service inspect}
 * spec) against the request the compose file makes now. Replicas go through {@code service scale}; image, command,
 * environment, networks, ports, secrets, mounts, health check, resources, restart policy, stop grace period, placement
 * preferences and container labels through {@code service update} (a rolling update by the service's update_config,
 * except for the restart policy and the placement preferences, which no task carries); any other difference is listed
 * in {@link #unsupported} (no route changes it yet), which refuses the deploy.
 *
 * @param scaleTo     the new replica count, or null
 * @param update      the {@code service update} to send, or null
 * @param unsupported what differs that cannot be changed yet ({@code image}, {@code env}, ...)
 */
public record ServiceChanges(Integer scaleTo, ServiceUpdateRequest update, List<String> unsupported) {

    private static final long DEFAULT_HEALTH_MILLIS = 30_000;
    private static final int DEFAULT_RETRIES = 3;
    private static final long DEFAULT_RESTART_DELAY_MILLIS = 5_000;

    public boolean none() {
        return scaleTo == null && update == null && unsupported.isEmpty();
    }

    /**
     * @param current      the service as the cluster has it
     * @param networkNames network ID → name
     * @param ingressIds   the IDs of ingress networks (attached by the cluster to publishing services, not by the file)
     */
    public static ServiceChanges of(ServiceView current, ServiceCreateRequest wanted, Map<String, String> networkNames,
                                    Set<String> ingressIds) {
        JsonNode spec = current.spec();
        JsonNode container = spec.path("container");
        List<String> unsupported = new ArrayList<>();
        String image = spec.path("image").asText().equals(wanted.image()) ? null : wanted.image();
        List<String> wantedCommand = wanted.command() == null ? List.of() : wanted.command();
        List<String> args = texts(spec.path("command")).equals(wantedCommand) ? null : wantedCommand;
        Diff env = environment(texts(spec.path("env")), wanted.env() == null ? List.of() : wanted.env());
        boolean global = "global".equalsIgnoreCase(wanted.mode());
        compare(unsupported, "deploy.mode", spec.path("mode").asText().toLowerCase(Locale.ROOT),
                global ? "global" : "replicated");
        compare(unsupported, "deploy.placement.constraints", texts(spec.path("constraints")),
                wanted.constraints() == null ? List.of() : wanted.constraints());
        compare(unsupported, "deploy.placement.max_replicas_per_node", spec.path("maxReplicasPerNode").asInt(),
                wanted.maxReplicasPerNode() == null ? 0 : wanted.maxReplicasPerNode());
        compare(unsupported, "deploy.endpoint_mode", spec.path("endpointMode").asText().toLowerCase(Locale.ROOT),
                wanted.endpointMode() == null ? "vip" : wanted.endpointMode());
        compare(unsupported, "deploy.labels", stringMap(spec.path("labels")), new TreeMap<>(wanted.labels()));
        compare(unsupported, "user", textOrNull(container.path("user")), wanted.container().user());
        compare(unsupported, "cap_add", capabilities(texts(container.path("capAdd"))),
                capabilities(wanted.container().capAdd()));
        compare(unsupported, "cap_drop", capabilities(texts(container.path("capDrop"))),
                capabilities(wanted.container().capDrop()));

        Integer scaleTo = null;
        int replicas = wanted.replicas() == null ? 1 : wanted.replicas();
        if (!global && spec.path("replicas").asInt() != replicas) {
            scaleTo = replicas;
        }
        Diff networks = networks(spec.path("networks"), wanted.networks(), networkNames, ingressIds);
        Diff ports = ports(spec.path("ports"), wanted.publish());
        Diff secrets = secrets(container.path("secrets"), wanted.container().secrets());
        Diff mounts = mounts(container.path("mounts"), wanted.container().mounts());
        ContainerOptions health = health(container.path("healthCheck"), wanted.container());
        ContainerOptions resources = resources(container.path("resources"), wanted.container(), unsupported);
        ContainerOptions options = merge(health, resources);
        RestartPolicyOptions restart = restart(spec.path("restartPolicy"), wanted.restartPolicy());
        String stopGrace = stopGrace(container.path("stopGracePeriodMillis"), wanted.stopGracePeriod());
        Diff preferences = preferences(spec.path("preferences"), wanted.placementPreferences());
        Diff containerLabels = environment(labelEntries(container.path("labels")), wanted.container().labels());
        ServiceUpdateRequest update = null;
        if (!networks.none() || !ports.none() || !secrets.none() || !mounts.none() || options != null || image != null
                || args != null || !env.none() || restart != null || stopGrace != null || !preferences.none()
                || !containerLabels.none()) {
            update = new ServiceUpdateRequest(networks.add, networks.remove, ports.add, ports.remove, null, false,
                    options, secrets.add, secrets.remove, mounts.add, mounts.remove, image, args, env.add, env.remove,
                    null, null, null, false, restart, stopGrace, preferences.add, preferences.remove,
                    containerLabels.add, containerLabels.remove);
        }
        return new ServiceChanges(scaleTo, update, unsupported);
    }

    /** Additions and removals of one list, in the terms of {@code service update}. */
    private record Diff(List<String> add, List<String> remove) {
        boolean none() {
            return add.isEmpty() && remove.isEmpty();
        }
    }

    private static void compare(List<String> unsupported, String what, Object current, Object wanted) {
        if (!Objects.equals(current, wanted)) {
            unsupported.add(what);
        }
    }

    /**
     * Removed: every attachment not wanted as it is (network and aliases); added: every wanted one not there
     * as it is. An alias change is a removal and an addition, which {@code service update} applies in that order.
     */
    private static Diff networks(JsonNode current, List<String> wanted, Map<String, String> names,
                                 Set<String> ingressIds) {
        Map<String, List<String>> have = new LinkedHashMap<>();
        for (JsonNode a : current) {
            String id = a.path("target").asText();
            if (!ingressIds.contains(id)) {
                have.put(names.getOrDefault(id, id), texts(a.path("aliases")));
            }
        }
        Map<String, List<String>> want = new LinkedHashMap<>();
        for (String w : wanted == null ? List.<String>of() : wanted) {
            NetworkOption o = NetworkOption.parse("--network", w);
            want.put(o.network(), o.aliases());
        }
        List<String> remove = new ArrayList<>();
        have.forEach((name, aliases) -> {
            if (!aliases.equals(want.get(name))) {
                remove.add(name);
            }
        });
        List<String> add = new ArrayList<>();
        for (String w : wanted == null ? List.<String>of() : wanted) {
            NetworkOption o = NetworkOption.parse("--network", w);
            if (!o.aliases().equals(have.get(o.network()))) {
                add.add(w);
            }
        }
        return new Diff(add, remove);
    }

    /**
     * A wanted port without a published number matches any the cluster picked for it. Removed by
     * {@code P:T/PROTO}, which names exactly one.
     */
    private static Diff ports(JsonNode current, List<String> wanted) {
        List<Map<String, String>> want = new ArrayList<>();
        for (String w : wanted == null ? List.<String>of() : wanted) {
            want.add(fields(w));
        }
        List<String> remove = new ArrayList<>();
        List<Map<String, String>> unmatched = new ArrayList<>(want);
        for (JsonNode p : current) {
            String target = p.path("target").asText();
            String published = p.path("published").asText();
            String protocol = p.path("protocol").asText().toLowerCase(Locale.ROOT);
            String mode = p.path("mode").asText().toLowerCase(Locale.ROOT);
            Map<String, String> match = null;
            for (Map<String, String> w : unmatched) {
                if (w.get("target").equals(target) && w.get("protocol").equals(protocol) && w.get("mode").equals(mode)
                        && (!w.containsKey("published") || w.get("published").equals(published))
                        && !"v1".equals(p.path("proxyProtocol").asText().toLowerCase(Locale.ROOT))
                        && !"v2".equals(p.path("proxyProtocol").asText().toLowerCase(Locale.ROOT))) {
                    match = w;
                    break;
                }
            }
            if (match != null) {
                unmatched.remove(match);
            } else {
                remove.add(published + ":" + target + "/" + protocol);
            }
        }
        List<String> add = new ArrayList<>();
        for (int i = 0; i < want.size(); i++) {
            if (unmatched.contains(want.get(i))) {
                add.add(wanted.get(i));
            }
        }
        return new Diff(add, remove);
    }

    /** Secrets compared by name, target, owner and mode; removed by name, then added. */
    private static Diff secrets(JsonNode current, List<String> wanted) {
        Set<String> have = new HashSet<>();
        Map<String, String> haveByKey = new LinkedHashMap<>();
        for (JsonNode s : current) {
            String key = s.path("secretName").asText() + "|" + s.path("target").asText() + "|" + s.path("uid").asInt()
                    + "|" + s.path("gid").asInt() + "|" + s.path("mode").asInt();
            have.add(key);
            haveByKey.put(key, s.path("secretName").asText());
        }
        Set<String> want = new HashSet<>();
        List<String> add = new ArrayList<>();
        for (String w : wanted) {
            Map<String, String> f = fields(w);
            String key = f.get("source") + "|" + f.get("target") + "|" + f.get("uid") + "|" + f.get("gid") + "|"
                    + Integer.parseInt(f.get("mode"), 8);
            want.add(key);
            if (!have.contains(key)) {
                add.add(w);
            }
        }
        List<String> remove = new ArrayList<>();
        haveByKey.forEach((key, name) -> {
            if (!want.contains(key) && !remove.contains(name)) {
                remove.add(name);
            }
        });
        return new Diff(add, remove);
    }

    /**
     * The preferences are an ordered list: when they differ at all, every current one is removed and the wanted
     * ones added in order ({@code service update} removes first, then appends).
     */
    private static Diff preferences(JsonNode current, List<String> wanted) {
        List<String> have = new ArrayList<>();
        for (JsonNode p : current) {
            have.add("spread=" + p.path("spread").asText());
        }
        return have.equals(wanted) ? new Diff(List.of(), List.of()) : new Diff(wanted, have);
    }

    /** A stored label map as {@code KEY=VALUE} entries. */
    private static List<String> labelEntries(JsonNode labels) {
        List<String> out = new ArrayList<>();
        stringMap(labels).forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /** {@code KEY=VALUE} entries: a key whose value changed or that went is removed, then the wanted ones added. */
    private static Diff environment(List<String> current, List<String> wanted) {
        Map<String, String> have = new LinkedHashMap<>();
        current.forEach(e -> have.put(e.substring(0, Math.max(0, e.indexOf('='))), e));
        Set<String> wantedKeys = new HashSet<>();
        List<String> add = new ArrayList<>();
        for (String w : wanted) {
            String key = w.substring(0, Math.max(0, w.indexOf('=')));
            wantedKeys.add(key);
            if (!w.equals(have.get(key))) {
                add.add(w);
            }
        }
        List<String> remove = new ArrayList<>();
        have.keySet().forEach(k -> {
            if (!wantedKeys.contains(k)) {
                remove.add(k);
            }
        });
        return new Diff(add, remove);
    }

    /** Mounts compared in the long form the converter writes; removed by target, then added. */
    private static Diff mounts(JsonNode current, List<String> wanted) {
        Map<String, String> have = new LinkedHashMap<>();
        for (JsonNode m : current) {
            String type = m.path("type").asText().toLowerCase(Locale.ROOT);
            String source = textOrNull(m.path("source"));
            have.put(m.path("target").asText(), StackConverter.mount(type, source, m.path("target").asText(),
                    m.path("readOnly").asBoolean()));
        }
        List<String> add = new ArrayList<>();
        Set<String> keep = new HashSet<>();
        for (String w : wanted) {
            String target = fields(w).get("target");
            if (w.equals(have.get(target))) {
                keep.add(target);
            } else {
                add.add(w);
            }
        }
        List<String> remove = new ArrayList<>();
        have.keySet().forEach(t -> {
            if (!keep.contains(t)) {
                remove.add(t);
            }
        });
        return new Diff(add, remove);
    }

    /** The health options to send when the check differs: the whole check, defaults spelled out; else null. */
    private static ContainerOptions health(JsonNode current, ContainerOptions wanted) {
        List<String> test = texts(current.path("test"));
        boolean haveCheck = !test.isEmpty() && !test.get(0).equals("NONE");
        boolean wantCheck = wanted.healthCmd() != null;
        if (!haveCheck && !wantCheck) {
            return null;
        }
        long interval = millis(wanted.healthInterval(), DEFAULT_HEALTH_MILLIS);
        long timeout = millis(wanted.healthTimeout(), DEFAULT_HEALTH_MILLIS);
        long start = millis(wanted.healthStartPeriod(), 0);
        int retries = wanted.healthRetries() == null ? DEFAULT_RETRIES : wanted.healthRetries();
        if (haveCheck && wantCheck && test.equals(List.of("CMD-SHELL", wanted.healthCmd()))
                && current.path("intervalMillis").asLong() == interval
                && current.path("timeoutMillis").asLong() == timeout
                && current.path("startPeriodMillis").asLong() == start && current.path("retries").asInt() == retries) {
            return null;
        }
        if (!wantCheck) {
            return new ContainerOptions(null, null, null, null, null, null, null, null, null, null, null, null, null,
                    true, null);
        }
        return new ContainerOptions(null, null, null, null, null, null, null, null, wanted.healthCmd(),
                interval + "ms", timeout + "ms", start + "ms", retries, null, null);
    }

    /** The whole restart policy to send when it differs (defaults spelled out, as Docker's), else null. */
    private static RestartPolicyOptions restart(JsonNode current, RestartPolicyOptions wanted) {
        String condition = wanted.condition() == null ? "any" : wanted.condition().toLowerCase(Locale.ROOT);
        long delay = millis(wanted.delay(), DEFAULT_RESTART_DELAY_MILLIS);
        int attempts = wanted.maxAttempts() == null ? 0 : wanted.maxAttempts();
        long window = millis(wanted.window(), 0);
        String have = current.path("condition").asText("ANY").toLowerCase(Locale.ROOT).replace('_', '-');
        if (have.equals(condition) && current.path("delayMillis").asLong(DEFAULT_RESTART_DELAY_MILLIS) == delay
                && current.path("maxAttempts").asInt() == attempts && current.path("windowMillis").asLong() == window) {
            return null;
        }
        return new RestartPolicyOptions(condition, delay + "ms", attempts, window + "ms");
    }

    /** {@code stop_grace_period} to send when it differs ({@code 0s}: back to the node's), else null. */
    private static String stopGrace(JsonNode current, String wanted) {
        long want = millis(wanted, 0);
        return current.asLong() == want ? null : want + "ms";
    }

    /** The resource options to send when they differ, else null; taking one away has no route yet. */
    private static ContainerOptions resources(JsonNode current, ContainerOptions wanted, List<String> unsupported) {
        long[] have = {current.path("limitNanoCpus").asLong(), current.path("limitMemoryBytes").asLong(),
            current.path("reserveNanoCpus").asLong(), current.path("reserveMemoryBytes").asLong()};
        String[] text = {wanted.limitCpu(), wanted.limitMemory(), wanted.reserveCpu(), wanted.reserveMemory()};
        long[] want = {cpus(text[0]), bytes(text[1]), cpus(text[2]), bytes(text[3])};
        boolean differs = false;
        for (int i = 0; i < have.length; i++) {
            if (have[i] != want[i]) {
                differs = true;
                if (want[i] == 0) {
                    unsupported.add("deploy.resources (taking a limit or reservation away)");
                    return null;
                }
            }
        }
        return differs ? new ContainerOptions(null, null, null, null, text[0], text[1], text[2], text[3], null, null,
                null, null, null, null, null) : null;
    }

    private static ContainerOptions merge(ContainerOptions health, ContainerOptions resources) {
        if (health == null || resources == null) {
            return health != null ? health : resources;
        }
        return new ContainerOptions(null, null, null, null, resources.limitCpu(), resources.limitMemory(),
                resources.reserveCpu(), resources.reserveMemory(), health.healthCmd(), health.healthInterval(),
                health.healthTimeout(), health.healthStartPeriod(), health.healthRetries(), health.noHealthcheck(),
                null);
    }

    private static long millis(String text, long otherwise) {
        return text == null ? otherwise : Quantities.millis(text).orElse(otherwise);
    }

    private static long cpus(String text) {
        return text == null ? 0 : Quantities.nanoCpus(text).orElse(0);
    }

    private static long bytes(String text) {
        return text == null ? 0 : Quantities.bytes(text).orElse(0);
    }

    /** As the manager stores them: upper case, {@code CAP_} prefixed (except {@code ALL}), as a set. */
    private static Set<String> capabilities(List<String> caps) {
        Set<String> out = new HashSet<>();
        for (String c : caps == null ? List.<String>of() : caps) {
            String up = c.strip().toUpperCase(Locale.ROOT);
            out.add(up.equals("ALL") || up.startsWith("CAP_") ? up : "CAP_" + up);
        }
        return out;
    }

    /** {@code a=1,b=2} → map; the long forms this package writes have no commas in values. */
    static Map<String, String> fields(String option) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String f : option.split(",")) {
            int eq = f.indexOf('=');
            out.put(f.substring(0, eq), f.substring(eq + 1));
        }
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(n.asText());
        }
        return out;
    }

    private static String textOrNull(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asText();
    }

    private static Map<String, String> stringMap(JsonNode object) {
        Map<String, String> out = new TreeMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
