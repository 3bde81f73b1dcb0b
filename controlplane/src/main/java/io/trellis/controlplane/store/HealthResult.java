package io.trellis.controlplane.store;

/**
 * One run of a task's health check (Docker's {@code HealthcheckResult}).
 *
 * @param start    when it started (epoch millis)
 * @param end      when it ended or was killed
 * @param exitCode 0 healthy; anything else failed; -1 when it did not run to its end (timeout, could not start)
 * @param output   its output, stdout then stderr, cut to a few KiB
 */
public record HealthResult(long start, long end, int exitCode, String output) {

    public HealthResult {
        output = output == null ? "" : output;
    }

    public boolean passed() {
        return exitCode == 0;
    }
}
