package io.trellis.cli;

import io.trellis.api.ContainerOptions;
import picocli.CommandLine.Option;

/**
 * The health-check and resource flags of {@code service create} and {@code service update}, sent as typed: the
 * manager parses and checks them.
 */
final class HealthResourceFlags {
    @Option(names = "--health-cmd", paramLabel = "CMD", description = "Command run inside each task with /bin/sh -c"
            + " to check its health: exit 0 healthy, anything else unhealthy.")
    String healthCmd;
    @Option(names = "--health-interval", paramLabel = "DURATION", description = "Time between checks (default 30s).")
    String healthInterval;
    @Option(names = "--health-timeout", paramLabel = "DURATION",
            description = "A check running longer is killed and fails (default 30s).")
    String healthTimeout;
    @Option(names = "--health-start-period", paramLabel = "DURATION",
            description = "Time after start when failures do not count (default 0s).")
    String healthStartPeriod;
    @Option(names = "--health-retries", paramLabel = "N",
            description = "Consecutive failures that make a task unhealthy and replace it (default 3).")
    Integer healthRetries;
    @Option(names = "--no-healthcheck", description = "Disable the health check.")
    Boolean noHealthcheck;
    @Option(names = "--limit-cpu", paramLabel = "CPUS", description = "CPUs a task may use, like 0.5.")
    String limitCpu;
    @Option(names = "--limit-memory", paramLabel = "BYTES", description = "Memory a task may use, like 256m (b, k, m, g).")
    String limitMemory;
    @Option(names = "--reserve-cpu", paramLabel = "CPUS",
            description = "CPUs set aside for each task: it goes only to a node that has them free.")
    String reserveCpu;
    @Option(names = "--reserve-memory", paramLabel = "BYTES",
            description = "Memory set aside for each task: it goes only to a node that has it free.")
    String reserveMemory;

    boolean given() {
        return healthCmd != null || healthInterval != null || healthTimeout != null || healthStartPeriod != null
                || healthRetries != null || noHealthcheck != null || limitCpu != null || limitMemory != null
                || reserveCpu != null || reserveMemory != null;
    }

    ContainerOptions options() {
        return new ContainerOptions(null, null, null, null, limitCpu, limitMemory, reserveCpu, reserveMemory,
                healthCmd, healthInterval, healthTimeout, healthStartPeriod, healthRetries, noHealthcheck, null);
    }
}
