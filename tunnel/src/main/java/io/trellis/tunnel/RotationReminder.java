package io.trellis.tunnel;

import io.trellis.cli.HumanTime;
import io.trellis.ipsec.keyring.KeyRing;
import io.trellis.ipsec.keyring.MasterKey;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A standalone encrypted tunnel has no leader to rotate its key (docs/encryption.md §3), so this says
 * when the key ring wants one: once per send key, when it has been the send key for the rotation
 * interval (12 h by default, {@code -Dtrellis.ipsec.rotation.interval}) or its sequence numbers reach
 * the rekey mark. Checked every tenth of the interval, at least every second and at most every minute.
 */
final class RotationReminder implements AutoCloseable {
    private final KeyRing ring;
    private final PrintWriter out;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rotation-reminder");
        t.setDaemon(true);
        return t;
    });
    /** The send key last reminded of; only the timer thread touches it. */
    private int remindedKeyId;
    private boolean reminded;

    RotationReminder(KeyRing ring, PrintWriter out) {
        this.ring = ring;
        this.out = out;
        this.interval = ring.rotationInterval(); // the ring's own, so the reminder says what it decides by
        long periodMs = Math.max(1_000, Math.min(60_000, interval.toMillis() / 10));
        timer.scheduleAtFixedRate(this::check, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private void check() {
        MasterKey primary = ring.primary();
        if (primary == null || !ring.rotationDue() || reminded && primary.id() == remindedKeyId) {
            return;
        }
        reminded = true;
        remindedKeyId = primary.id();
        synchronized (out) {
            out.printf("key rotation due: key %08x has been the send key for %s (or its sequence numbers reached"
                            + " the rekey mark): put a new key on the key file's second line and SIGHUP both ends, then"
                            + " swap the lines and SIGHUP both, then drop the old line and SIGHUP both"
                            + " (docs/encryption.md §3)%n",
                    primary.id(), HumanTime.duration(interval));
            out.flush();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
