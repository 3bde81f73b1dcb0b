package io.trellis.cli;

import io.trellis.api.RestartPolicyOptions;
import picocli.CommandLine.Option;

/**
 * The {@code --restart-*} flags and {@code --stop-grace-period} of {@code service create} and {@code service update},
 * sent as typed: the manager parses and checks them (one line per bad value).
 */
final class RestartFlags {
    @Option(names = "--restart-condition", paramLabel = "none|on-failure|any",
            description = "Which ended tasks are replaced (default any).")
    String condition;
    @Option(names = "--restart-delay", paramLabel = "DURATION",
            description = "Wait between a task's end and its replacement (default 5s).")
    String delay;
    @Option(names = "--restart-max-attempts", paramLabel = "N",
            description = "Restarts of a task's slot at most (default 0: no limit).")
    Integer maxAttempts;
    @Option(names = "--restart-window", paramLabel = "DURATION",
            description = "How far back --restart-max-attempts counts (default 0s: every restart).")
    String window;
    @Option(names = "--stop-grace-period", paramLabel = "DURATION",
            description = "Wait between SIGTERM and SIGKILL when a task is stopped (default: the node's, 10s).")
    String stopGracePeriod;

    RestartPolicyOptions options() {
        return new RestartPolicyOptions(condition, delay, maxAttempts, window);
    }
}
