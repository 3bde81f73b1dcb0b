package io.trellis.ingress.proxy;

import java.time.Duration;

/** Duration checks shared by the options: positive, and rounded up to a millisecond, never down. */
final class Timeouts {
    private Timeouts() {
    }

    static long positiveMillis(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        long millis = value.toMillis();
        // Rounding down would close connections earlier than configured.
        return value.minusMillis(millis).isZero() ? millis : millis + 1;
    }
}
