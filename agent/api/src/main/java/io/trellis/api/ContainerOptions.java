package io.trellis.api;

import java.util.List;

/**
 * The task options of {@code service create} (and, where set, {@code service update}) as the user typed
 * them; the manager parses and checks them. A null field was not given.
 *
 * @param runtime           {@code --runtime process|docker}
 * @param user              {@code --user UID[:GID]} or a user name
 * @param capAdd            {@code --cap-add}
 * @param capDrop           {@code --cap-drop}
 * @param limitCpu          {@code --limit-cpu 0.5}
 * @param limitMemory       {@code --limit-memory 256m}
 * @param reserveCpu        {@code --reserve-cpu}
 * @param reserveMemory     {@code --reserve-memory}
 * @param healthCmd         {@code --health-cmd}, run with {@code /bin/sh -c}
 * @param healthInterval    {@code --health-interval 30s}
 * @param healthTimeout     {@code --health-timeout}
 * @param healthStartPeriod {@code --health-start-period}
 * @param healthRetries     {@code --health-retries}
 * @param noHealthcheck     {@code --no-healthcheck}
 * @param secrets           {@code --secret NAME} or {@code source=NAME,target=ALIAS,uid=,gid=,mode=}
 * @param mounts            {@code --mount type=volume|bind|tmpfs,source=...,target=...[,readonly]}
 * @param labels            {@code --container-label KEY=VALUE} (a key alone: an empty value)
 */
public record ContainerOptions(String runtime, String user, List<String> capAdd, List<String> capDrop,
                               String limitCpu, String limitMemory, String reserveCpu, String reserveMemory,
                               String healthCmd, String healthInterval, String healthTimeout,
                               String healthStartPeriod, Integer healthRetries, Boolean noHealthcheck,
                               List<String> secrets, List<String> mounts, List<String> labels) {

    public static final ContainerOptions NONE = new ContainerOptions(null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null);

    public ContainerOptions {
        capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
        capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    public ContainerOptions(String runtime, String user, List<String> capAdd, List<String> capDrop, String limitCpu,
                            String limitMemory, String reserveCpu, String reserveMemory, String healthCmd,
                            String healthInterval, String healthTimeout, String healthStartPeriod,
                            Integer healthRetries, Boolean noHealthcheck, List<String> secrets, List<String> mounts) {
        this(runtime, user, capAdd, capDrop, limitCpu, limitMemory, reserveCpu, reserveMemory, healthCmd,
                healthInterval, healthTimeout, healthStartPeriod, healthRetries, noHealthcheck, secrets, mounts, null);
    }

    public ContainerOptions(String runtime, String user, List<String> capAdd, List<String> capDrop, String limitCpu,
                            String limitMemory, String reserveCpu, String reserveMemory, String healthCmd,
                            String healthInterval, String healthTimeout, String healthStartPeriod,
                            Integer healthRetries, Boolean noHealthcheck, List<String> secrets) {
        this(runtime, user, capAdd, capDrop, limitCpu, limitMemory, reserveCpu, reserveMemory, healthCmd,
                healthInterval, healthTimeout, healthStartPeriod, healthRetries, noHealthcheck, secrets, null);
    }

    /** These options with the runtime and the tasks' identity and capabilities of {@code service create}. */
    public ContainerOptions withSandbox(String nextRuntime, String nextUser, List<String> add, List<String> drop) {
        return new ContainerOptions(nextRuntime, nextUser, add, drop, limitCpu, limitMemory, reserveCpu, reserveMemory,
                healthCmd, healthInterval, healthTimeout, healthStartPeriod, healthRetries, noHealthcheck, secrets,
                mounts, labels);
    }

    public ContainerOptions withSecrets(List<String> next) {
        return new ContainerOptions(runtime, user, capAdd, capDrop, limitCpu, limitMemory, reserveCpu, reserveMemory,
                healthCmd, healthInterval, healthTimeout, healthStartPeriod, healthRetries, noHealthcheck, next,
                mounts, labels);
    }

    public ContainerOptions withMounts(List<String> next) {
        return new ContainerOptions(runtime, user, capAdd, capDrop, limitCpu, limitMemory, reserveCpu, reserveMemory,
                healthCmd, healthInterval, healthTimeout, healthStartPeriod, healthRetries, noHealthcheck, secrets,
                next, labels);
    }

    public ContainerOptions withLabels(List<String> next) {
        return new ContainerOptions(runtime, user, capAdd, capDrop, limitCpu, limitMemory, reserveCpu, reserveMemory,
                healthCmd, healthInterval, healthTimeout, healthStartPeriod, healthRetries, noHealthcheck, secrets,
                mounts, next);
    }
}
