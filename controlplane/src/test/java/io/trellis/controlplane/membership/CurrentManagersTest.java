package io.trellis.controlplane.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.controlplane.pki.NodeIdentity;
import io.trellis.controlplane.pki.NodeRole;
import io.trellis.controlplane.store.ClusterInfo;
import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Node;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreOp;
import io.trellis.controlplane.store.ClusterStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CurrentManagersTest {
    private final ClusterStore store = new ClusterStore();
    private Set<String> voters = Set.of();
    private final CurrentManagers authorization = new CurrentManagers(store::view, () -> voters);

    @Test
    void aReplicaThatHasAppliedNothingGoesByCertificate() {
        assertThat(authorization.refusal(manager("m9"))).isNull();
    }

    @Test
    void managersInTheStoreAreLetIn() {
        init(node("m1", Node.Role.MANAGER));
        assertThat(authorization.refusal(manager("m1"))).isNull();
    }

    @Test
    void aNodeNeverAdmittedIsRefused() {
        init(node("m1", Node.Role.MANAGER));
        assertThat(authorization.refusal(manager("m9"))).isEqualTo("node m9 is not a member of the swarm");
    }

    @Test
    void aDemotedManagerWithItsOldCertificateIsRefused() {
        init(node("m1", Node.Role.MANAGER), node("m2", Node.Role.WORKER));
        assertThat(authorization.refusal(manager("m2"))).isEqualTo("node m2 (host-m2) is not a manager of the swarm");
    }

    @Test
    void aLeaderThatDemotedItselfIsLetInUntilItLeavesTheGroup() {
        init(node("m1", Node.Role.MANAGER), node("m2", Node.Role.WORKER));
        voters = Set.of("m1", "m2");
        assertThat(authorization.refusal(manager("m2"))).isNull();
        voters = Set.of("m1");
        assertThat(authorization.refusal(manager("m2"))).isEqualTo("node m2 (host-m2) is not a manager of the swarm");
    }

    @Test
    void aRemovedNodeIsRefusedByNameAndStaysOnTheRevocationList() {
        init(node("m1", Node.Role.MANAGER), node("m2", Node.Role.MANAGER));
        store.applyBatch(2, StoreBatch.of(new StoreOp.DeleteNode("m2", 2)));
        assertThat(store.view().cluster().removedNodes()).containsExactly("m2");
        assertThat(authorization.refusal(manager("m2"))).isEqualTo("node m2 was removed from the swarm");
        // Another admission under the same ID (which admission never issues) would still be refused.
        store.applyBatch(3, StoreBatch.of(new StoreOp.PutNode(node("m2", Node.Role.MANAGER))));
        assertThat(authorization.refusal(manager("m2"))).isEqualTo("node m2 was removed from the swarm");
    }

    private void init(Node... nodes) {
        List<StoreOp> ops = new java.util.ArrayList<>();
        ops.add(new StoreOp.InitCluster(new ClusterInfo("c1", 1)));
        for (Node n : nodes) {
            ops.add(new StoreOp.PutNode(n));
        }
        store.applyBatch(1, StoreBatch.of(ops.toArray(StoreOp[]::new)));
        assertThat(store.view()).isInstanceOf(ClusterSnapshot.class);
    }

    private static Node node(String id, Node.Role role) {
        return new Node(id, "host-" + id, role, Node.Availability.ACTIVE, Node.Status.READY, "127.0.0.1", "test",
                Map.of(), 1, 1, null);
    }

    private static NodeIdentity manager(String id) {
        return new NodeIdentity(id, NodeRole.MANAGER, "c1");
    }
}
