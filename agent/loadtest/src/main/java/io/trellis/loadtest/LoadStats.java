package io.trellis.loadtest;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a run counts, written by every event loop and read by the one thread that reports. The
 * event loops only record (wait-free, no allocation); {@link #drain} moves what they recorded into
 * the run's total, and how many answers that was is the last interval's count.
 */
final class LoadStats {
    /** Latencies are microseconds up to one minute (the longest timeout), three significant digits. */
    static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);
    private static final int DIGITS = 3;

    private final Recorder recorder = new Recorder(HIGHEST_MICROS, DIGITS);
    private final Histogram total = new Histogram(HIGHEST_MICROS, DIGITS);
    private final LongAdder bytes = new LongAdder();
    private final LongAdder[] errors = new LongAdder[ErrorKind.values().length];
    private Histogram interval;

    LoadStats() {
        for (int i = 0; i < errors.length; i++) {
            errors[i] = new LongAdder();
        }
    }

    /** An answer (any status) that came {@code latencyNanos} after the request's latency origin. */
    void answered(long latencyNanos) {
        recorder.recordValue(Math.min(Math.max(latencyNanos / 1000, 0), HIGHEST_MICROS));
    }

    void received(long byteCount) {
        bytes.add(byteCount);
    }

    void failed(ErrorKind kind) {
        errors[kind.ordinal()].increment();
    }

    /** Reporting thread only: adds the answers since the last call to the total; returns how many. */
    long drain() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return interval.getTotalCount();
    }

    /** Reporting thread only: the answers {@link #drain} has collected so far. */
    Histogram total() {
        return total;
    }

    long bytes() {
        return bytes.sum();
    }

    long errors() {
        long sum = 0;
        for (LongAdder e : errors) {
            sum += e.sum();
        }
        return sum;
    }

    Map<ErrorKind, Long> errorsByKind() {
        Map<ErrorKind, Long> byKind = new EnumMap<>(ErrorKind.class);
        for (ErrorKind kind : ErrorKind.values()) {
            byKind.put(kind, errors[kind.ordinal()].sum());
        }
        return byKind;
    }
}
