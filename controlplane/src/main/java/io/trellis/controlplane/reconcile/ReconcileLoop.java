package io.trellis.controlplane.reconcile;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.ClusterStore;
import io.trellis.controlplane.store.CommitListener;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import io.trellis.controlplane.store.StoreWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Reconciler} on its own thread: woken by every commit (wake-ups coalesce) and by a
 * periodic tick, only while {@code active} says so (the leader). It submits one batch per round and
 * waits for it to be applied before looking again, so it never acts twice on the same state.
 */
public final class ReconcileLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);
    public static final Duration TICK_DEFAULT = Duration.ofSeconds(1);

    private final Reconciler reconciler;
    private final ClusterStore store;
    private final StoreWriter writer;
    private final BooleanSupplier active;
    private final Clock clock;
    private final Duration tick;
    private final Semaphore wake = new Semaphore(0);
    private final CommitListener listener = (before, after) -> wakeUp();
    private final Thread thread;
    private volatile boolean running = true;

    public ReconcileLoop(Reconciler reconciler, ClusterStore store, StoreWriter writer, BooleanSupplier active,
                         Clock clock, Duration tick) {
        this.reconciler = reconciler;
        this.store = store;
        this.writer = writer;
        this.active = active;
        this.clock = clock;
        this.tick = tick;
        this.thread = new Thread(this::run, "reconcile-" + reconciler.name());
        this.thread.setDaemon(true);
    }

    public ReconcileLoop start() {
        store.addListener(listener);
        thread.start();
        return this;
    }

    public void wakeUp() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    private void run() {
        while (running) {
            try {
                wake.tryAcquire(tick.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                if (running && active.getAsBoolean()) {
                    round();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Not leader any more, no quorum, or a bug: log once per round and try again next tick.
                LOG.warn("{} round failed: {}", reconciler.name(), e.getMessage());
                sleepQuietly();
            }
        }
    }

    private void round() {
        ClusterSnapshot state = store.view();
        if (state.cluster() == null) {
            return;
        }
        List<StoreOp> ops = reconciler.reconcile(state, clock.millis());
        if (ops.isEmpty()) {
            return;
        }
        StoreReply reply = writer.submit(new StoreBatch(ops));
        if (!reply.ok()) {
            LOG.info("{} change rejected, will retry: {}", reconciler.name(), reply.error());
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        store.removeListener(listener);
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
