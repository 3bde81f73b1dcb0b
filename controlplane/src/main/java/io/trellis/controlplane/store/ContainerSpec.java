package io.trellis.controlplane.store;

import java.util.List;

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
 */
public record ContainerSpec(String runtime, String user, List<String> capAdd, List<String> capDrop,
                            Resources resources, HealthCheck healthCheck, List<SecretReference> secrets,
                            List<Mount> mounts, long stopGracePeriodMillis) {

    /** A service created without any of these options. */
    public static final ContainerSpec DEFAULT = new ContainerSpec(null, null, null, null, null, null, null, null, 0);

    public ContainerSpec {
        capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
        capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
        resources = resources == null ? Resources.NONE : resources;
        healthCheck = healthCheck == null ? HealthCheck.NONE : healthCheck;
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
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
                stopGracePeriodMillis);
    }

    public ContainerSpec withResources(Resources next) {
        return new ContainerSpec(runtime, user, capAdd, capDrop, next, healthCheck, secrets, mounts,
                stopGracePeriodMillis);
    }

    public ContainerSpec withHealthCheck(HealthCheck next) {
        return new ContainerSpec(runtime, user, capAdd, capDrop, resources, next, secrets, mounts,
                stopGracePeriodMillis);
    }

    public ContainerSpec withUser(String next) {
        return new ContainerSpec(runtime, next, capAdd, capDrop, resources, healthCheck, secrets, mounts,
                stopGracePeriodMillis);
    }

    public ContainerSpec withCapabilities(List<String> add, List<String> drop) {
        return new ContainerSpec(runtime, user, add, drop, resources, healthCheck, secrets, mounts,
                stopGracePeriodMillis);
    }

    public ContainerSpec withRuntime(String next) {
        return new ContainerSpec(next, user, capAdd, capDrop, resources, healthCheck, secrets, mounts,
                stopGracePeriodMillis);
    }

    public ContainerSpec withMounts(List<Mount> next) {
        return new ContainerSpec(runtime, user, capAdd, capDrop, resources, healthCheck, secrets, next,
                stopGracePeriodMillis);
    }

    public ContainerSpec withStopGracePeriod(long millis) {
        return new ContainerSpec(runtime, user, capAdd, capDrop, resources, healthCheck, secrets, mounts, millis);
    }
}
