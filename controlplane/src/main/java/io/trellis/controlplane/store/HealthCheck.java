package io.trellis.controlplane.store;

import java.util.List;

/**
 * A task's health check, as Docker's {@code HealthConfig}: the command runs inside the task every
 * {@code interval}; {@code retries} failures in a row make the task unhealthy; failures during
 * {@code startPeriod} do not count.
 *
 * @param test              {@code ["CMD-SHELL", "curl -f localhost || exit 1"]}, {@code ["CMD", "prog", "arg"]},
 *                          {@code ["NONE"]} ({@code --no-healthcheck}) or empty (no check configured)
 * @param intervalMillis    between the end of one check and the start of the next (default 30 s)
 * @param timeoutMillis     a check running longer is killed and counts as failed (default 30 s)
 * @param startPeriodMillis grace after start during which failures do not count (default 0)
 * @param retries           consecutive failures that make the task unhealthy (default 3)
 */
public record HealthCheck(List<String> test, long intervalMillis, long timeoutMillis, long startPeriodMillis,
                          int retries) {

    public static final long DEFAULT_INTERVAL_MILLIS = 30_000;
    public static final long DEFAULT_TIMEOUT_MILLIS = 30_000;
    public static final int DEFAULT_RETRIES = 3;

    /** No check configured. */
    public static final HealthCheck NONE = new HealthCheck(List.of(), 0, 0, 0, 0);

    public HealthCheck {
        test = test == null ? List.of() : List.copyOf(test);
    }

    /** Whether the task is checked: a command is configured and not disabled with {@code NONE}. */
    public boolean enabled() {
        return !test.isEmpty() && !"NONE".equals(test.get(0));
    }
}
