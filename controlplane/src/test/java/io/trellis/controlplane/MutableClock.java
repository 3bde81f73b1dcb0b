package io.trellis.controlplane;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand, so time-based rules are checked to the millisecond without sleeping. */
public final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(long epochMillis) {
        this.now = Instant.ofEpochMilli(epochMillis);
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }

    public void advanceMillis(long millis) {
        now = now.plusMillis(millis);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a test clock has one zone, UTC");
    }
}
