package io.trellis.stack.compose;

import io.trellis.stack.compose.DeployDef.Limits;
import io.trellis.stack.compose.DeployDef.Placement;
import io.trellis.stack.compose.DeployDef.Resources;
import io.trellis.stack.compose.DeployDef.RestartPolicy;
import io.trellis.stack.compose.DeployDef.UpdateConfig;
import io.trellis.stack.compose.ServiceDef.MountDef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Several compose files as one, as {@code docker compose config} merges them: a later file overrides scalars,
 * merges mappings (environment, labels, networks, deploy, ...), merges ports by target and protocol, volumes by
 * target and secrets by target, adds capabilities, and replaces other lists ({@code command}, constraints).
 */
public final class ComposeMerge {
    private ComposeMerge() {
    }

    public static ComposeFile merge(ComposeFile base, ComposeFile override) {
        return new ComposeFile(entries(base.services(), override.services(), ComposeMerge::service),
                entries(base.networks(), override.networks(), ComposeMerge::network),
                entries(base.volumes(), override.volumes(), ComposeMerge::volume),
                entries(base.secrets(), override.secrets(), ComposeMerge::secret));
    }

    private static <T> Map<String, T> entries(Map<String, T> base, Map<String, T> over, BinaryOperator<T> merge) {
        Map<String, T> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> out.merge(k, v, merge));
        return out;
    }

    static ServiceDef service(ServiceDef a, ServiceDef b) {
        return new ServiceDef(pick(a.image(), b.image()), pick(a.command(), b.command()),
                pick(a.entrypoint(), b.entrypoint()), map(a.environment(), b.environment()),
                byKey(a.ports(), b.ports(), p -> p.target() + "/" + p.protocol()),
                map(a.networks(), b.networks()), byKey(a.volumes(), b.volumes(), MountDef::target),
                byKey(a.secrets(), b.secrets(), s -> s.target() != null ? s.target() : s.source()),
                nested(a.healthcheck(), b.healthcheck(), ComposeMerge::healthcheck),
                pick(a.stopGracePeriod(), b.stopGracePeriod()), pick(a.user(), b.user()),
                union(a.capAdd(), b.capAdd()), union(a.capDrop(), b.capDrop()), map(a.labels(), b.labels()),
                nested(a.deploy(), b.deploy(), ComposeMerge::deploy));
    }

    private static HealthcheckDef healthcheck(HealthcheckDef a, HealthcheckDef b) {
        return new HealthcheckDef(pick(a.test(), b.test()), pick(a.interval(), b.interval()),
                pick(a.timeout(), b.timeout()), pick(a.startPeriod(), b.startPeriod()),
                pick(a.retries(), b.retries()), pick(a.disable(), b.disable()));
    }

    private static DeployDef deploy(DeployDef a, DeployDef b) {
        return new DeployDef(pick(a.mode(), b.mode()), pick(a.replicas(), b.replicas()),
                nested(a.placement(), b.placement(), (x, y) -> new Placement(pick(x.constraints(), y.constraints()),
                        pick(x.preferences(), y.preferences()), pick(x.maxReplicasPerNode(), y.maxReplicasPerNode()))),
                nested(a.updateConfig(), b.updateConfig(), ComposeMerge::updateConfig),
                nested(a.rollbackConfig(), b.rollbackConfig(), ComposeMerge::updateConfig),
                nested(a.restartPolicy(), b.restartPolicy(), (x, y) -> new RestartPolicy(
                        pick(x.condition(), y.condition()), pick(x.delay(), y.delay()),
                        pick(x.maxAttempts(), y.maxAttempts()), pick(x.window(), y.window()))),
                nested(a.resources(), b.resources(), (x, y) -> new Resources(
                        nested(x.limits(), y.limits(), ComposeMerge::limits),
                        nested(x.reservations(), y.reservations(), ComposeMerge::limits))),
                pick(a.endpointMode(), b.endpointMode()), map(a.labels(), b.labels()));
    }

    private static UpdateConfig updateConfig(UpdateConfig a, UpdateConfig b) {
        return new UpdateConfig(pick(a.parallelism(), b.parallelism()), pick(a.delay(), b.delay()),
                pick(a.failureAction(), b.failureAction()), pick(a.monitor(), b.monitor()),
                pick(a.maxFailureRatio(), b.maxFailureRatio()), pick(a.order(), b.order()));
    }

    private static Limits limits(Limits a, Limits b) {
        return new Limits(pick(a.cpus(), b.cpus()), pick(a.memory(), b.memory()));
    }

    private static NetworkDef network(NetworkDef a, NetworkDef b) {
        return new NetworkDef(pick(a.driver(), b.driver()), map(a.driverOpts(), b.driverOpts()),
                pick(a.attachable(), b.attachable()), pick(a.external(), b.external()), pick(a.name(), b.name()),
                map(a.labels(), b.labels()));
    }

    private static VolumeDef volume(VolumeDef a, VolumeDef b) {
        return new VolumeDef(pick(a.driver(), b.driver()), map(a.driverOpts(), b.driverOpts()),
                pick(a.external(), b.external()), pick(a.name(), b.name()), map(a.labels(), b.labels()));
    }

    /** A secret's source is either a file or external: the later file's choice replaces the earlier one whole. */
    private static SecretDef secret(SecretDef a, SecretDef b) {
        boolean sourceGiven = b.file() != null || b.external() != null;
        return new SecretDef(sourceGiven ? b.file() : a.file(), sourceGiven ? b.external() : a.external(),
                pick(a.name(), b.name()), map(a.labels(), b.labels()));
    }

    private static <T> T pick(T a, T b) {
        return b != null ? b : a;
    }

    private static <T> T nested(T a, T b, BinaryOperator<T> merge) {
        return a == null ? b : b == null ? a : merge.apply(a, b);
    }

    private static <V> Map<String, V> map(Map<String, V> a, Map<String, V> b) {
        if (a == null || b == null) {
            return pick(a, b);
        }
        Map<String, V> out = new LinkedHashMap<>(a);
        out.putAll(b);
        return out;
    }

    private static <T> List<T> byKey(List<T> a, List<T> b, Function<T, String> key) {
        if (a == null || b == null) {
            return pick(a, b);
        }
        Map<String, T> out = new LinkedHashMap<>();
        for (T t : a) {
            out.put(key.apply(t), t);
        }
        for (T t : b) {
            out.put(key.apply(t), t);
        }
        return new ArrayList<>(out.values());
    }

    private static List<String> union(List<String> a, List<String> b) {
        if (a == null || b == null) {
            return pick(a, b);
        }
        LinkedHashSet<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return new ArrayList<>(out);
    }
}
