package io.trellis.daemon;

import io.trellis.api.Version;
import io.trellis.controlplane.atrest.Recipients;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.StoreReply;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A manager's own node record: written with the cluster record on {@code swarm init}, and
 * (re)declared on every start so hostname, address, version, node key and capacity stay current (rotated
 * data keys are wrapped for that key); availability, status, labels and creation time are the
 * cluster's and are kept.
 */
final class SelfRegistration {
    private final String hostname;
    private final Path dataDir;
    private final Clock clock;

    SelfRegistration(String hostname, Path dataDir, Clock clock) {
        this.hostname = hostname;
        this.dataDir = dataDir;
        this.clock = clock;
    }

    /** Creates the cluster on first start ({@code first} holds its record) and (re)declares this manager's node. */
    void declare(ControlPlane m, SwarmIdentity id, PublicKey nodeKey, StoreBatch... first) {
        long now = clock.millis();
        ClusterSnapshot view = m.store().view();
        if (view.cluster() == null && first.length == 0) {
            throw new IllegalStateException("this manager's store has no cluster record: swarm init did not finish; "
                    + "remove " + dataDir + " and initialize again");
        }
        Node old = view.nodes().get(id.nodeId());
        Node self = new Node(id.nodeId(), hostname, Node.Role.MANAGER,
                old == null ? Node.Availability.ACTIVE : old.availability(),
                old == null ? Node.Status.READY : old.status(), id.advertiseAddr(),
                Version.current(), old == null ? Map.of() : old.labels(), old == null ? now : old.createdAt(), now,
                id.managerAddr(), null, Recipients.encode(nodeKey), HostCapacity.read());
        if (old != null && first.length == 0 && sameRecord(old, self)) {
            return;
        }
        List<StoreOp> ops = new ArrayList<>();
        for (StoreBatch b : first) {
            ops.addAll(b.ops());
        }
        ops.add(new StoreOp.PutNode(self));
        StoreReply reply = m.writer().submit(new StoreBatch(ops));
        if (!reply.ok()) {
            throw new IllegalStateException("registering this node failed: " + reply.error());
        }
    }

    /** Equal but for the update time: nothing to write. */
    private static boolean sameRecord(Node a, Node b) {
        return a.hostname().equals(b.hostname()) && a.role() == b.role() && a.address().equals(b.address())
                && a.engineVersion().equals(b.engineVersion()) && Objects.equals(a.managerAddr(), b.managerAddr())
                && Objects.equals(a.publicKey(), b.publicKey()) && Objects.equals(a.resources(), b.resources());
    }
}
