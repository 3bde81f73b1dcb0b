package io.trellis.controlplane.store;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How each task of a service runs on its node, beyond image, command and environment (Docker's
 * {@code ContainerSpec} plus {@code Resources}): the runtime, the identity and privileges of its
 * processes, its resources, its health check, the secrets mounted into it and its other mounts. Copied into every task.
 *
 * @param runtime     {@code process} or {@code docker}; null lets the node choose ({@code process})
 * @param user        {@code UID[:GID]} or a user name from the node's passwd; null means the default
 *                    (documented in docs/executors.md)
 * @param capAdd      capabilities kept on top of none ({@code CAP_NET_BIND_SERVICE}), upper case with prefix
 * @param capDrop     capabilities removed from the runtime's default set
 * @param resources   limits and reservations; {@link Resources#NONE} when not given
 * @param healthCheck the task's health check; {@link HealthCheck#NONE} when the service has none
 * @param secrets     secrets mounted at {@code /run/secrets/<target>}
 * @param mounts      volumes, bind mounts and tmpfs mounts ({@code --mount}), each at its own target
 * @param stopGracePeriodMillis SIGTERM to SIGKILL when the task is stopped ({@code --stop-grace-period}); 0 leaves it
 *                    to the node's {@code agent --stop-grace-period}
 * @param labels      {@code --container-label}: set on the task's container by the docker runtime, beside its own
 *                    {@code io.trellis.*} and {@code com.docker.swarm.*} labels (keys in those namespaces are refused)
 */
public record ContainerSpec(String runtime, String user, List<String> capAdd, List<String> capDrop,
                            Resources resources, HealthCheck healthCheck, List<SecretReference> secrets,
                            List<Mount> mounts, long stopGracePeriodMillis, Map<String, String> labels) {

    /** A service created without any of these options. */
    public static final ContainerSpec DEFAULT = new ContainerSpec(null, null, null, null, null, null, null, null, 0,
            null);

    public ContainerSpec {
        capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
        capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
        resources = resources == null ? Resources.NONE : resources;
        healthCheck = healthCheck == null ? HealthCheck.NONE : healthCheck;
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    public ContainerSpec(String runtime, String user, List<String> capAdd, List<String> capDrop, Resources resources,
                         HealthCheck healthCheck, List<SecretReference> secrets, List<Mount> mounts,
                         long stopGracePeriodMillis) {
        this(runtime, user, capAdd, capDrop, resources, healthCheck, secrets, mounts, stopGracePeriodMillis, null);
    }

    public ContainerSpec(String runtime, String user, List<String> capAdd, List<String> capDrop, Resources resources,
                         HealthCheck healthCheck, List<SecretReference> secrets, List<Mount> mounts) {
        this(runtime, user, capAdd, capDrop, resources, healthCheck, secrets, mounts, 0);
    }

    public ContainerSpec(String runtime, String user, List<String> capAdd, List<String> capDrop, Resources resources,
                         HealthCheck healthCheck, List<SecretReference> secrets) {
        this(runtime, user, capAdd, capDrop, resources, healthCheck, secrets, null, 0);
    }

    public ContainerSpec withSecrets(List<SecretReference> next) {
        return new ContainerSpec(runtime, user, capAdd, capDrop, resources, healthCheck, next, mounts,
                stopGracePeriodMillis, labels);
    }

    public ContainerSpec withResources(Resources next) {
        return new ContainerSpec(runtime, user, capAdd, capDrop, next, healthCheck, secrets, mounts,
                stopGracePeriodMillis, labels);
    }

    public ContainerSpec withHealthCheck(HealthCheck next) {
        return new ContainerSpec(runtime, user, capAdd, capDrop, resources, next, secrets, mounts,
                stopGracePeriodMillis, labels);
    }

    public ContainerSpec withUser(String next) {
        return new ContainerSpec(runtime, next, capAdd, capDrop, resources, healthCheck, secrets, mounts,
                stopGracePeriodMillis, labels);
    }

    public ContainerSpec withCapabilities(List<String> add, List<String> drop) {
        return new ContainerSpec(runtime, user, add, drop, resources, healthCheck, secrets, mounts,
                stopGracePeriodMillis, labels);
    }

    public ContainerSpec withRuntime(String next) {
        return new ContainerSpec(next, user, capAdd, capDrop, resources, healthCheck, secrets, mounts,
                stopGracePeriodMillis, labels);
    }

    public ContainerSpec withMounts(List<Mount> next) {
        return new ContainerSpec(runtime, user, capAdd, capDrop, resources, healthCheck, secrets, next,
                stopGracePeriodMillis, labels);
    }

    public ContainerSpec withStopGracePeriod(long millis) {
        return new ContainerSpec(runtime, user, capAdd, capDrop, resources, healthCheck, secrets, mounts, millis,
                labels);
    }

    public ContainerSpec withLabels(Map<String, String> next) {
        return new ContainerSpec(runtime, user, capAdd, capDrop, resources, healthCheck, secrets, mounts,
                stopGracePeriodMillis, next);
    }
}
