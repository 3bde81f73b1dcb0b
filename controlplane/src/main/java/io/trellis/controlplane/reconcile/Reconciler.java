package io.trellis.controlplane.reconcile;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.StoreOp;
import java.util.List;

/**
 * A control loop's logic as a pure function: given the whole cluster state, the ops that move it
 * toward what was asked for. No I/O, so it is unit-tested on hand-made snapshots; a
 * {@link ReconcileLoop} runs it on commits and on a timer.
 */
public interface Reconciler {

    String name();

    /** Ops to submit; empty when the state already converged. {@code now} is epoch millis. */
    List<StoreOp> reconcile(ClusterSnapshot state, long now);
}
