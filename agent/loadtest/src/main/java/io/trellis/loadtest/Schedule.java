package io.trellis.loadtest;

/**
 * When one flow's requests are due. Paced ({@code --rate}), the run's requests are slots
 * {@code start + n / rate} and flow {@code i} of {@code c} takes slots {@code i, i + c, i + 2c, …},
 * so the flows interleave evenly and no rounding drifts. A slot's time is the request's intended send
 * time whether or not the flow is free by then. Unpaced, a request is due as soon as the last one
 * ended.
 */
final class Schedule {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long start;
    private final long rate;
    private final int stride;
    private long slot;

    private Schedule(long start, long rate, int first, int stride) {
        this.start = start;
        this.rate = rate;
        this.slot = first;
        this.stride = stride;
    }

    /** Flow {@code index} of {@code flows}, {@code rate} requests per second over all of them (at most 10^6). */
    static Schedule paced(long start, long rate, int index, int flows) {
        return new Schedule(start, rate, index, flows);
    }

    static Schedule unpaced() {
        return new Schedule(0, 0, 0, 0);
    }

    boolean paced() {
        return rate > 0;
    }

    /**
     * The next request's intended send time ({@link System#nanoTime()}); unpaced, {@code now}.
     * Slots stay below 2^32 in a run of at most an hour at 10^6/s, so the product cannot overflow.
     */
    long next(long now) {
        if (rate == 0) {
            return now;
        }
        long due = start + slot * NANOS_PER_SECOND / rate;
        slot += stride;
        return due;
    }
}
