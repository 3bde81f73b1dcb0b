package io.trellis.api;

import java.util.List;

/**
 * A task's health as {@code docker inspect} shows a container's {@code State.Health}.
 *
 * @param status        {@code none} (no check), {@code starting}, {@code healthy} or {@code unhealthy}
 * @param failingStreak consecutive failed checks that counted
 * @param log           the last five results, oldest first
 */
public record HealthView(String status, int failingStreak, List<Result> log) {

    public static final HealthView NONE = new HealthView("none", 0, List.of());

    public HealthView {
        status = status == null ? "none" : status;
        log = log == null ? List.of() : List.copyOf(log);
    }

    /**
     * One run of the check.
     *
     * @param start    epoch millis
     * @param end      epoch millis
     * @param exitCode 0 healthy, -1 when it timed out or could not start
     * @param output   its output, at most 4 KiB
     */
    public record Result(long start, long end, int exitCode, String output) {
    }
}
