package io.trellis.controlplane.api;

import io.trellis.controlplane.store.HealthCheck;
import java.util.List;

/**
 * The health-check flags of {@code service create} and {@code service update}, as typed, turned into a
 * {@link HealthCheck} the way Docker reads them. A null field was not given.
 *
 * @param cmd           {@code --health-cmd}, run with {@code /bin/sh -c} ({@code CMD-SHELL})
 * @param interval      {@code --health-interval}, default 30s
 * @param timeout       {@code --health-timeout}, default 30s
 * @param startPeriod   {@code --health-start-period}, default 0s
 * @param retries       {@code --health-retries}, default 3
 * @param noHealthcheck {@code --no-healthcheck}
 */
public record HealthOptions(String cmd, String interval, String timeout, String startPeriod, Integer retries,
                            Boolean noHealthcheck) {

    public static final HealthOptions NONE = new HealthOptions(null, null, null, null, null, null);

    /** Whether any health flag was given. */
    public boolean given() {
        return cmd != null || tuned() || Boolean.TRUE.equals(noHealthcheck);
    }

    /** Whether a flag other than the command and {@code --no-healthcheck} was given. */
    private boolean tuned() {
        return interval != null || timeout != null || startPeriod != null || retries != null;
    }

    /** {@code service create}: the check to store, {@link HealthCheck#NONE} without flags. */
    public HealthCheck create() {
        return applyTo(HealthCheck.NONE);
    }

    /** {@code service update}: {@code current} with the given flags changed; one line if they do not make sense. */
    public HealthCheck applyTo(HealthCheck current) {
        if (!given()) {
            return current;
        }
        if (Boolean.TRUE.equals(noHealthcheck)) {
            if (cmd != null || tuned()) {
                throw ApiException.invalid("--no-healthcheck conflicts with --health-* options");
            }
            return new HealthCheck(List.of("NONE"), 0, 0, 0, 0);
        }
        List<String> test;
        if (cmd != null) {
            if (cmd.isBlank()) {
                throw ApiException.invalid("invalid --health-cmd: the command is empty");
            }
            test = List.of("CMD-SHELL", cmd);
        } else if (current.enabled()) {
            test = current.test();
        } else {
            throw ApiException.invalid(firstTuningFlag() + " needs a health check: give --health-cmd too");
        }
        boolean fresh = !current.enabled();
        long intervalMillis = interval != null ? atLeastOneMilli("--health-interval", interval)
                : fresh ? HealthCheck.DEFAULT_INTERVAL_MILLIS : current.intervalMillis();
        long timeoutMillis = timeout != null ? atLeastOneMilli("--health-timeout", timeout)
                : fresh ? HealthCheck.DEFAULT_TIMEOUT_MILLIS : current.timeoutMillis();
        long startMillis = startPeriod != null ? DockerDuration.parseMillis("--health-start-period", startPeriod)
                : fresh ? 0 : current.startPeriodMillis();
        if (startPeriod != null && startMillis == 0 && !isZero(startPeriod)) {
            throw ApiException.invalid("invalid --health-start-period \"" + startPeriod + "\": must be 0s or at"
                    + " least 1ms");
        }
        int tries = retries != null ? retries : fresh ? HealthCheck.DEFAULT_RETRIES : current.retries();
        if (tries < 1) {
            throw ApiException.invalid("invalid --health-retries " + tries + ": must be at least 1");
        }
        return new HealthCheck(test, intervalMillis, timeoutMillis, startMillis, tries);
    }

    private String firstTuningFlag() {
        return interval != null ? "--health-interval" : timeout != null ? "--health-timeout"
                : startPeriod != null ? "--health-start-period" : "--health-retries";
    }

    private static long atLeastOneMilli(String flag, String text) {
        long millis = DockerDuration.parseMillis(flag, text);
        if (millis < 1) {
            throw ApiException.invalid("invalid " + flag + " \"" + text + "\": must be at least 1ms");
        }
        return millis;
    }

    /** Zero written any way ({@code 0}, {@code 0s}, {@code 0.0ms}), unlike a duration below a millisecond. */
    private static boolean isZero(String text) {
        return text.strip().chars().noneMatch(c -> c >= '1' && c <= '9');
    }
}
