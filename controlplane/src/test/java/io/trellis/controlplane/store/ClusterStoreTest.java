package io.trellis.controlplane.store;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterStoreTest {

    @Test
    void createsServiceThroughEncodedEntry() {
        ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"));
        byte[] reply = store.apply(10, StoreCodec.encode(StoreBatch.of(
                new StoreOp.CreateService(Fixtures.service("s1", "web", 3)))));
        assertThat(StoreCodec.decodeReply(reply).ok()).isTrue();
        assertThat(store.view().serviceByName("web")).isPresent();
        assertThat(store.appliedIndex()).isEqualTo(10);
    }

    @Test
    void rejectsDuplicateNameAndChangesNothing() {
        ClusterStore store = Fixtures.storeWith();
        store.applyBatch(5, StoreBatch.of(new StoreOp.CreateService(Fixtures.service("s1", "web", 1))));
        ClusterSnapshot before = store.view();
        StoreReply r = store.applyBatch(6, StoreBatch.of(
                new StoreOp.CreateService(Fixtures.service("s2", "api", 1)),
                new StoreOp.CreateService(Fixtures.service("s3", "web", 1))));
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).isEqualTo("service web already exists");
        assertThat(store.view().services()).isEqualTo(before.services());
        assertThat(store.appliedIndex()).isEqualTo(6);
    }

    @Test
    void rejectsStaleServiceUpdate() {
        ClusterStore store = Fixtures.storeWith();
        Service s = Fixtures.service("s1", "web", 1);
        store.applyBatch(5, StoreBatch.of(new StoreOp.CreateService(s)));
        assertThat(store.applyBatch(6, StoreBatch.of(new StoreOp.UpdateService("s1", 1, s.spec().withReplicas(2), T0))).ok()).isTrue();
        StoreReply stale = store.applyBatch(7, StoreBatch.of(new StoreOp.UpdateService("s1", 1, s.spec().withReplicas(9), T0)));
        assertThat(stale.ok()).isFalse();
        assertThat(store.view().services().get("s1").spec().replicas()).isEqualTo(2);
    }

    @Test
    void deletingServiceMarksItsTasksForRemoval() {
        ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"));
        Service s = Fixtures.service("s1", "web", 1);
        store.applyBatch(5, StoreBatch.of(new StoreOp.CreateService(s)));
        Task t = new Task("t1", "s1", "web", 1, null, "img", List.of(), List.of(), 1, TaskState.RUNNING,
                TaskStatus.of(TaskState.PENDING, T0, ""), T0);
        store.applyBatch(6, StoreBatch.of(new StoreOp.CreateTask(t)));
        store.applyBatch(7, StoreBatch.of(new StoreOp.DeleteService("s1")));
        assertThat(store.view().tasks().get("t1").desiredState()).isEqualTo(TaskState.REMOVE);
    }

    @Test
    void taskStatusNeverMovesBackwards() {
        ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"));
        store.applyBatch(5, StoreBatch.of(new StoreOp.CreateService(Fixtures.service("s1", "web", 1))));
        Task t = new Task("t1", "s1", "web", 1, "n1", "img", List.of(), List.of(), 1, TaskState.RUNNING,
                TaskStatus.of(TaskState.ASSIGNED, T0, ""), T0);
        store.applyBatch(6, StoreBatch.of(new StoreOp.CreateTask(t)));
        store.applyBatch(7, StoreBatch.of(new StoreOp.ReportTaskStatus("t1", TaskStatus.of(TaskState.FAILED, T0 + 2, "x"))));
        store.applyBatch(8, StoreBatch.of(new StoreOp.ReportTaskStatus("t1", TaskStatus.of(TaskState.RUNNING, T0 + 1, "late"))));
        assertThat(store.view().tasks().get("t1").status().state()).isEqualTo(TaskState.FAILED);
    }

    @Test
    void aNodeRecordWithoutResourcesKeepsTheReportedOnesAndTheyRoundTripThroughTheLog() {
        ClusterStore store = Fixtures.storeWith();
        NodeResources reported = new NodeResources(4_000_000_000L, 8L << 30);
        store.apply(5, StoreCodec.encode(StoreBatch.of(new StoreOp.PutNode(Fixtures.node("n1").withResources(reported)))));
        store.apply(6, StoreCodec.encode(StoreBatch.of(new StoreOp.PutNode(Fixtures.node("n1"))))); // a promotion
        assertThat(store.view().nodes().get("n1").resources()).isEqualTo(reported);
    }

    @Test
    void undecodableEntryIsRejectedNotThrown() {
        ClusterStore store = Fixtures.storeWith();
        byte[] reply = store.apply(9, "{not json".getBytes(StandardCharsets.UTF_8));
        assertThat(StoreCodec.decodeReply(reply).ok()).isFalse();
        assertThat(store.appliedIndex()).isEqualTo(9);
    }

    @Test
    void snapshotRoundTripsEverything() throws Exception {
        ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"));
        store.applyBatch(5, StoreBatch.of(new StoreOp.CreateService(Fixtures.service("s1", "web", 2))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.writeSnapshot(out);
        ClusterStore restored = new ClusterStore();
        restored.readSnapshot(new ByteArrayInputStream(out.toByteArray()));
        assertThat(restored.view()).isEqualTo(store.view());
        assertThat(restored.appliedIndex()).isEqualTo(5);
    }

    @Test
    void listenersSeeEveryCommitInOrder() {
        ClusterStore store = new ClusterStore();
        List<Long> seen = new ArrayList<>();
        store.addListener((before, after) -> seen.add(after.index()));
        store.applyBatch(1, StoreBatch.of(new StoreOp.InitCluster(new ClusterInfo("c", T0))));
        store.applyBatch(2, StoreBatch.of(new StoreOp.InitCluster(new ClusterInfo("c", T0))));
        assertThat(seen).containsExactly(1L, 2L);
    }

    @Test
    void entriesWrittenBeforePlacementRulesDecodeAsReplicatedAndUnconstrained() throws Exception {
        String old = "{\"ops\":[{\"op\":\"create-service\",\"service\":{\"id\":\"s1\",\"spec\":{\"name\":\"web\","
                + "\"image\":\"img\",\"command\":[\"run\"],\"env\":[],\"replicas\":2},\"version\":1,"
                + "\"createdAt\":1,\"updatedAt\":1}}]}";
        StoreBatch b = StoreCodec.decodeBatch(old.getBytes(StandardCharsets.UTF_8));
        ServiceSpec spec = ((StoreOp.CreateService) b.ops().get(0)).service().spec();
        assertThat(spec.mode()).isEqualTo(ServiceSpec.Mode.REPLICATED);
        assertThat(spec.constraints()).isEmpty();
        assertThat(spec.maxReplicasPerNode()).isZero();
        assertThat(spec.replicas()).isEqualTo(2);
    }

    @Test
    void placementRulesAndNodeUpdatesRoundTripThroughTheLog() {
        ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"));
        Service s = Fixtures.service("s1", "web", 0, ServiceSpec.Mode.GLOBAL, 0, "node.labels.zone==a");
        store.apply(10, StoreCodec.encode(StoreBatch.of(new StoreOp.CreateService(s),
                new StoreOp.UpdateNodeSpec("n1", Node.Availability.PAUSE, java.util.Map.of("zone", "a"), List.of(), T0))));
        assertThat(store.view().services().get("s1").spec()).isEqualTo(s.spec());
        Node n = store.view().nodes().get("n1");
        assertThat(n.availability()).isEqualTo(Node.Availability.PAUSE);
        assertThat(n.labels()).containsOnly(java.util.Map.entry("zone", "a"));

        ByteArrayOutputStream snap = new ByteArrayOutputStream();
        try {
            store.writeSnapshot(snap);
            ClusterStore restored = new ClusterStore();
            restored.readSnapshot(new ByteArrayInputStream(snap.toByteArray()));
            assertThat(restored.view().services()).isEqualTo(store.view().services());
            assertThat(restored.view().nodes()).isEqualTo(store.view().nodes());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void removingAMissingLabelRejectsTheBatch() {
        ClusterStore store = Fixtures.storeWith(Fixtures.node("n1"));
        StoreReply r = store.applyBatch(10, StoreBatch.of(
                new StoreOp.UpdateNodeSpec("n1", Node.Availability.DRAIN, null, List.of("zone"), T0)));
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).isEqualTo("key zone doesn't exist in node's labels");
        assertThat(store.view().nodes().get("n1").availability()).isEqualTo(Node.Availability.ACTIVE);
    }
}
