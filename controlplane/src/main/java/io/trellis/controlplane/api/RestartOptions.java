package io.trellis.controlplane.api;

import io.trellis.controlplane.store.RestartPolicy;
import io.trellis.controlplane.store.ServiceSpec;
import java.util.Locale;

/**
 * The {@code --restart-*} and {@code --stop-grace-period} flags of {@code service create} and {@code service update}
 * (and a stack's {@code deploy.restart_policy} and {@code stop_grace_period}), as typed, read the way Docker reads
 * them. A null field was not given and keeps the current value.
 *
 * @param condition       {@code --restart-condition}: none, on-failure or any
 * @param delay           {@code --restart-delay}: a duration between a task's end and its replacement
 * @param maxAttempts     {@code --restart-max-attempts}: restarts of a slot at most, 0 for no limit
 * @param window          {@code --restart-window}: how far back the attempts count, 0 for the whole history
 * @param stopGracePeriod {@code --stop-grace-period}: SIGTERM to SIGKILL, 0 for the node's default
 */
public record RestartOptions(String condition, String delay, Integer maxAttempts, String window,
                             String stopGracePeriod) {

    public static final RestartOptions NONE = new RestartOptions(null, null, null, null, null);

    public boolean given() {
        return condition != null || delay != null || maxAttempts != null || window != null
                || stopGracePeriod != null;
    }

    /** {@code spec} with the given flags changed; one line naming the first bad flag otherwise. */
    public ServiceSpec applyTo(ServiceSpec spec) {
        if (!given()) {
            return spec;
        }
        RestartPolicy current = spec.restartPolicy();
        if (maxAttempts != null && maxAttempts < 0) {
            throw ApiException.invalid("invalid --restart-max-attempts " + maxAttempts
                    + ": must be 0 (no limit) or more");
        }
        RestartPolicy next = new RestartPolicy(
                condition != null ? parsedCondition() : current.condition(),
                delay != null ? DockerDuration.parseMillis("--restart-delay", delay) : current.delayMillis(),
                maxAttempts != null ? maxAttempts : current.maxAttempts(),
                window != null ? DockerDuration.parseMillis("--restart-window", window) : current.windowMillis());
        ServiceSpec out = spec.withRestartPolicy(next);
        if (stopGracePeriod != null) {
            long grace = DockerDuration.parseMillis("--stop-grace-period", stopGracePeriod);
            out = out.withContainer(out.container().withStopGracePeriod(grace));
        }
        return out;
    }

    private RestartPolicy.Condition parsedCondition() {
        return switch (condition.strip().toLowerCase(Locale.ROOT)) {
            case "none" -> RestartPolicy.Condition.NONE;
            case "on-failure" -> RestartPolicy.Condition.ON_FAILURE;
            case "any" -> RestartPolicy.Condition.ANY;
            default -> throw ApiException.invalid("invalid --restart-condition \"" + condition
                    + "\": use none, on-failure or any");
        };
    }
}
