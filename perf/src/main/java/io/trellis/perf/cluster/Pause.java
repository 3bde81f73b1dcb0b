package io.trellis.perf.cluster;

/** Sleeps that keep the interrupt flag, for polling loops that are bounded by a deadline elsewhere. */
final class Pause {
    private Pause() {
    }

    static void millis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
