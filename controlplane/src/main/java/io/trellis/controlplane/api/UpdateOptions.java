package io.trellis.controlplane.api;

import io.trellis.controlplane.store.UpdateConfig;
import java.util.Locale;

/**
 * The {@code --update-*} or {@code --rollback-*} flags of {@code service create} and {@code service update}, as
 * typed, read the way Docker reads them. A null field was not given and keeps the current value.
 *
 * @param parallelism     {@code --update-parallelism}: tasks replaced at once, 0 for all
 * @param delay           {@code --update-delay}: a duration between batches
 * @param failureAction   {@code --update-failure-action}: pause, continue or rollback (not rollback for a rollback)
 * @param monitor         {@code --update-monitor}: a duration after each task runs
 * @param maxFailureRatio {@code --update-max-failure-ratio}: 0 to 1
 * @param order           {@code --update-order}: stop-first or start-first
 */
public record UpdateOptions(Integer parallelism, String delay, String failureAction, String monitor,
                            String maxFailureRatio, String order) {

    public static final UpdateOptions NONE = new UpdateOptions(null, null, null, null, null, null);

    public boolean given() {
        return parallelism != null || delay != null || failureAction != null || monitor != null
                || maxFailureRatio != null || order != null;
    }

    /**
     * {@code current} with the given flags changed; one line naming the flag otherwise.
     *
     * @param rollback whether these are the {@code --rollback-*} flags
     */
    public UpdateConfig applyTo(UpdateConfig current, boolean rollback) {
        String prefix = rollback ? "--rollback-" : "--update-";
        if (parallelism != null && parallelism < 0) {
            throw ApiException.invalid("invalid " + prefix + "parallelism " + parallelism
                    + ": must be 0 (all at once) or more");
        }
        return new UpdateConfig(
                parallelism != null ? parallelism : current.parallelism(),
                delay != null ? DockerDuration.parseMillis(prefix + "delay", delay) : current.delayMillis(),
                failureAction != null ? failureAction(prefix, rollback) : current.failureAction(),
                monitor != null ? DockerDuration.parseMillis(prefix + "monitor", monitor) : current.monitorMillis(),
                maxFailureRatio != null ? ratio(prefix) : current.maxFailureRatio(),
                order != null ? order(prefix) : current.order());
    }

    private UpdateConfig.FailureAction failureAction(String prefix, boolean rollback) {
        String a = failureAction.strip().toLowerCase(Locale.ROOT);
        return switch (a) {
            case "pause" -> UpdateConfig.FailureAction.PAUSE;
            case "continue" -> UpdateConfig.FailureAction.CONTINUE;
            case "rollback" -> {
                if (rollback) {
                    throw ApiException.invalid("invalid " + prefix + "failure-action \"" + failureAction
                            + "\": use pause or continue");
                }
                yield UpdateConfig.FailureAction.ROLLBACK;
            }
            default -> throw ApiException.invalid("invalid " + prefix + "failure-action \"" + failureAction
                    + "\": use " + (rollback ? "pause or continue" : "pause, continue or rollback"));
        };
    }

    private double ratio(String prefix) {
        try {
            double r = Double.parseDouble(maxFailureRatio.strip());
            if (r >= 0 && r <= 1) {
                return r;
            }
        } catch (NumberFormatException e) {
            // the one message below
        }
        throw ApiException.invalid("invalid " + prefix + "max-failure-ratio \"" + maxFailureRatio
                + "\": expected a number from 0 to 1");
    }

    private UpdateConfig.Order order(String prefix) {
        return switch (order.strip().toLowerCase(Locale.ROOT)) {
            case "stop-first" -> UpdateConfig.Order.STOP_FIRST;
            case "start-first" -> UpdateConfig.Order.START_FIRST;
            default -> throw ApiException.invalid("invalid " + prefix + "order \"" + order
                    + "\": use stop-first or start-first");
        };
    }
}
