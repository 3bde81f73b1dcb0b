package io.trellis.cli;

import io.trellis.api.UpdateConfigOptions;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The {@code --update-*} flags of {@code service create} and {@code service update}, sent as typed: the manager
 * parses them (durations, the ratio); values from a fixed list are checked here too.
 */
final class UpdateConfigFlags {
    @Option(names = "--update-parallelism", paramLabel = "N",
            description = "Tasks replaced at once by an update (default 1; 0 replaces all at once).")
    Integer parallelism;
    @Option(names = "--update-delay", paramLabel = "DURATION",
            description = "Wait between one batch of new tasks running and the next batch (default 0s).")
    String delay;
    @Option(names = "--update-failure-action", paramLabel = "pause|continue|rollback",
            description = "What a failed update does (default pause).")
    String failureAction;
    @Option(names = "--update-monitor", paramLabel = "DURATION",
            description = "How long after it runs a new task's failure counts against the update (default 5s).")
    String monitor;
    @Option(names = "--update-max-failure-ratio", paramLabel = "RATIO",
            description = "Failures per updated task tolerated, 0 to 1 (default 0).")
    String maxFailureRatio;
    @Option(names = "--update-order", paramLabel = "stop-first|start-first",
            description = "Stop the old task before its new one starts (default), or start the new one first.")
    String order;

    UpdateConfigOptions options() {
        UpdateConfigOptions o = new UpdateConfigOptions(parallelism, delay, failureAction, monitor, maxFailureRatio,
                order);
        check("--update-", o, false);
        return o;
    }

    /** The choices and the parallelism, with the manager's words. */
    static void check(String prefix, UpdateConfigOptions o, boolean rollback) {
        if (o.parallelism() != null && o.parallelism() < 0) {
            throw CliException.user("invalid " + prefix + "parallelism " + o.parallelism()
                    + ": must be 0 (all at once) or more");
        }
        String actions = rollback ? "pause|continue" : "pause|continue|rollback";
        if (o.failureAction() != null && !o.failureAction().strip().toLowerCase(Locale.ROOT).matches(actions)) {
            throw CliException.user("invalid " + prefix + "failure-action \"" + o.failureAction() + "\": use "
                    + (rollback ? "pause or continue" : "pause, continue or rollback"));
        }
        if (o.order() != null && !o.order().strip().toLowerCase(Locale.ROOT).matches("stop-first|start-first")) {
            throw CliException.user("invalid " + prefix + "order \"" + o.order() + "\": use stop-first or start-first");
        }
    }
}
