package io.trellis.controlplane.keys;

import io.trellis.controlplane.reconcile.Reconciler;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Network;
import io.trellis.controlplane.store.NetworkKey;
import io.trellis.controlplane.store.StoreOp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Rotates every encrypted network's key on the leader, in the three steps the data plane's key
 * ring expects (send key first): {@code [K1]} → {@code [K1, K2]} once K1 is older than the
 * interval (every node learns K2 and accepts it) → {@code [K2, K1]} one step later (nodes send with
 * K2, still accept K1 for packets in flight) → {@code [K2]} one more step later. Each step reaches
 * the network's nodes through the dispatcher within about a second; the step length leaves room for
 * a node that is briefly disconnected. Keys are drawn here, on the leader, and travel in the op.
 */
public final class NetworkKeyRotation implements Reconciler {
    /** Swarm's default data-plane key rotation. */
    public static final Duration INTERVAL_DEFAULT = Duration.ofHours(12);
    public static final Duration STEP_DEFAULT = Duration.ofSeconds(30);

    private final long intervalMillis;
    private final long stepMillis;

    public NetworkKeyRotation(Duration interval, Duration step) {
        this.intervalMillis = interval.toMillis();
        this.stepMillis = step.toMillis();
    }

    /** Rotation every {@code interval}, with steps of 30 s, or a quarter of a shorter interval. */
    public static NetworkKeyRotation every(Duration interval) {
        Duration quarter = interval.dividedBy(4);
        return new NetworkKeyRotation(interval, quarter.compareTo(STEP_DEFAULT) < 0 ? quarter : STEP_DEFAULT);
    }

    @Override
    public String name() {
        return "network-key-rotation";
    }

    @Override
    public List<StoreOp> reconcile(ClusterSnapshot state, long now) {
        List<StoreOp> ops = new ArrayList<>();
        for (Network n : state.networks().values()) {
            if (!n.spec().encrypted() || n.keys().isEmpty()) {
                continue;
            }
            List<NetworkKey> next = next(n.keys(), now);
            if (next != null) {
                ops.add(new StoreOp.SetNetworkKeys(n.id(), next));
            }
        }
        return ops;
    }

    /** The next step's key list, or null when none is due. */
    List<NetworkKey> next(List<NetworkKey> keys, long now) {
        NetworkKey send = keys.get(0);
        if (keys.size() == 1) {
            return now - send.createdAt() >= intervalMillis ? List.of(send, NetworkKey.generate(now)) : null;
        }
        NetworkKey other = keys.get(1);
        if (other.createdAt() > send.createdAt()) {
            return now - other.createdAt() >= stepMillis ? List.of(other, send) : null; // step 2: send with the new key
        }
        return now - send.createdAt() >= 2 * stepMillis ? List.of(send) : null; // step 3: retire the old key
    }
}
