package io.trellis.cli;

import io.trellis.api.UpdateConfigOptions;
import picocli.CommandLine.Option;

/** The {@code --rollback-*} flags: how a rollback replaces the tasks, as {@link UpdateConfigFlags} for updates. */
final class RollbackConfigFlags {
    @Option(names = "--rollback-parallelism", paramLabel = "N",
            description = "Tasks replaced at once by a rollback (default 1; 0 replaces all at once).")
    Integer parallelism;
    @Option(names = "--rollback-delay", paramLabel = "DURATION", description = "Wait between rollback batches (default 0s).")
    String delay;
    @Option(names = "--rollback-failure-action", paramLabel = "pause|continue",
            description = "What a failed rollback does (default pause).")
    String failureAction;
    @Option(names = "--rollback-monitor", paramLabel = "DURATION",
            description = "How long after it runs a task's failure counts against the rollback (default 5s).")
    String monitor;
    @Option(names = "--rollback-max-failure-ratio", paramLabel = "RATIO",
            description = "Failures per task tolerated during a rollback, 0 to 1 (default 0).")
    String maxFailureRatio;
    @Option(names = "--rollback-order", paramLabel = "stop-first|start-first",
            description = "Stop the task before its replacement starts (default), or start the replacement first.")
    String order;

    UpdateConfigOptions options() {
        UpdateConfigOptions o = new UpdateConfigOptions(parallelism, delay, failureAction, monitor, maxFailureRatio,
                order);
        UpdateConfigFlags.check("--rollback-", o, true);
        return o;
    }
}
