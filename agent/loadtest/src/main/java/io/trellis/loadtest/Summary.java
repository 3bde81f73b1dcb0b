package io.trellis.loadtest;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What a run measured. An answer of any status is a request (and its latency is recorded); a
 * non-2xx/3xx answer is also a {@link ErrorKind#BAD_STATUS} error. Requests that failed otherwise
 * are only errors.
 *
 * @param transport the event loops' transport ({@code io_uring}, {@code epoll}, {@code nio})
 * @param elapsed from the start until the last flow finished (the duration plus the last answers)
 * @param bytes bytes received: HTTP responses as they came off the wire, UDP echo payloads
 * @param latency microseconds, from the intended send time when paced, else from the send
 */
public record Summary(LoadSettings settings, String transport, Duration elapsed, long bytes,
                      Map<ErrorKind, Long> errors, Histogram latency) {
    public Summary {
        errors = Collections.unmodifiableMap(new EnumMap<>(errors)); // in ErrorKind's order
        latency = latency.copy();
    }

    public long requests() {
        return latency.getTotalCount();
    }

    public double requestsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds > 0 ? requests() / seconds : 0;
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public long errors(ErrorKind kind) {
        return errors.getOrDefault(kind, 0L);
    }

    /** The latency at {@code percentile} (0-100) in microseconds; 0 without answers. */
    public long latencyMicros(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile);
    }

    public long maxLatencyMicros() {
        return latency.getTotalCount() == 0 ? 0 : latency.getMaxValue();
    }

    /** How many answers took at least {@code threshold}. */
    public long answersSlowerThan(Duration threshold) {
        long micros = TimeUnit.NANOSECONDS.toMicros(threshold.toNanos());
        return micros > latency.getMaxValue() ? 0 : latency.getCountBetweenValues(micros, latency.getMaxValue());
    }
}
