package io.trellis.perf.raft;

import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The writes the benchmark proposes: {@link StoreOp.PutNode} of a node record (~330 bytes of JSON,
 * about what a status or heartbeat update weighs) over a fixed set of node ids. The set is fixed
 * because {@code ClusterStore} copies its maps on every commit: a store growing with every write
 * would make later commits slower and the number would depend on the run's length.
 */
final class NodeUpdates {
    static final int NODE_IDS = 256;

    private long next;

    /** A batch of {@code ops} node updates, each for the next node id in turn. */
    StoreBatch batch(int ops) {
        List<StoreOp> list = new ArrayList<>(ops);
        for (int i = 0; i < ops; i++) {
            long n = next++;
            String id = "bench-node-" + (n % NODE_IDS);
            list.add(new StoreOp.PutNode(new Node(id, "host-" + (n % NODE_IDS), Node.Role.WORKER,
                    Node.Availability.ACTIVE, Node.Status.READY, "172.30.0." + (n % 250 + 2), "0.1.0",
                    Map.of("bench", "raft"), 1_764_000_000_000L, 1_764_000_000_000L + n, null)));
        }
        return new StoreBatch(list);
    }
}
