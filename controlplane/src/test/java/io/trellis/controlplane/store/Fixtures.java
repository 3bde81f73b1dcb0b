package io.trellis.controlplane.store;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** Hand-made cluster objects for control-plane tests. */
public final class Fixtures {
    public static final long T0 = 1_700_000_000_000L;

    private Fixtures() {
    }

    public static Node node(String id) {
        return new Node(id, "host-" + id, Node.Role.MANAGER, Node.Availability.ACTIVE, Node.Status.READY,
                "127.0.0.1", "test", Map.of(), T0, T0, "127.0.0.1:2377");
    }

    public static Node worker(String id, Map<String, String> labels) {
        return new Node(id, "host-" + id, Node.Role.WORKER, Node.Availability.ACTIVE, Node.Status.READY,
                "127.0.0.1", "test", labels, T0, T0, null);
    }

    public static Node withAvailability(Node n, Node.Availability a) {
        return n.withAvailabilityAndLabels(a, n.labels(), T0);
    }

    /** A service with placement rules; {@code replicas} is ignored for global ones. */
    public static Service service(String id, String name, int replicas, ServiceSpec.Mode mode, int maxPerNode,
                                  String... constraints) {
        return new Service(id, new ServiceSpec(name, "img", List.of("run"), List.of("A=1"),
                mode == ServiceSpec.Mode.GLOBAL ? 0 : replicas, mode, List.of(constraints), maxPerNode), 1, T0, T0);
    }

    public static Service service(String id, String name, int replicas) {
        return new Service(id, new ServiceSpec(name, "img", List.of("run"), List.of("A=1"), replicas), 1, T0, T0);
    }

    /** A store that is initialised and has the given nodes, applied at indexes 1.. */
    public static ClusterStore storeWith(Node... nodes) {
        ClusterStore s = new ClusterStore();
        s.applyBatch(1, StoreBatch.of(new StoreOp.InitCluster(new ClusterInfo("c1", T0))));
        long i = 2;
        for (Node n : nodes) {
            s.applyBatch(i++, StoreBatch.of(new StoreOp.PutNode(n)));
        }
        return s;
    }

    /** A writer that applies each proposal straight to {@code store}, after {@code firstIndex}: no log, no Raft. */
    public static StoreWriter directWriter(ClusterStore store, long firstIndex) {
        AtomicLong index = new AtomicLong(firstIndex);
        return new StoreWriter(entry -> CompletableFuture.completedFuture(store.apply(index.incrementAndGet(), entry)));
    }
}
