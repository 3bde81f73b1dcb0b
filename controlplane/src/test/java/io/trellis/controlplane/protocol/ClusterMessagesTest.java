package io.trellis.controlplane.protocol;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trellis.controlplane.store.HealthResult;
import io.trellis.controlplane.store.NodeResources;
import io.trellis.controlplane.store.Task;
import io.trellis.controlplane.store.TaskHealth;
import io.trellis.controlplane.store.TaskState;
import io.trellis.controlplane.store.TaskStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every cluster-port body survives JSON both ways, with the settings the agent's mapper uses. */
class ClusterMessagesTest {
    /** As the agent reads bodies: a newer peer's extra fields are ignored, not fatal. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static final Task TASK = new Task("t1", "s1", "web", 1, "n1", "img", List.of("run", "--port", "80"),
            List.of("A=1"), 3, TaskState.RUNNING, new TaskStatus(TaskState.FAILED, T0, "exited", "boom", 137, 4242), T0);

    @Test
    void everyMessageRoundTrips() throws Exception {
        List<Object> messages = List.of(
                new ClusterMessages.JoinRequest("SWMTKN-1-x", "csr", "h", "10.0.0.1", "10.0.0.1:2378", "10.0.0.1:2377", "1"),
                new ClusterMessages.JoinRequest("SWMTKN-1-x", "csr", "h", "10.0.0.1", null, null, null),
                new ClusterMessages.JoinRequest("SWMTKN-1-x", "csr", "h", "10.0.0.1", null, null, "1",
                        new NodeResources(4_000_000_000L, 8L << 30)),
                new ClusterMessages.JoinResponse("n1", "c1", "manager", "cert", "ca", "key", "SWMKEY-1-x", List.of("a:2377")),
                new ClusterMessages.JoinResponse("n1", "c1", "worker", "cert", "ca", null, null, List.of()),
                new ClusterMessages.DataKey("key", null),
                new ClusterMessages.RaftJoinRequest("10.0.0.1:2378"),
                new ClusterMessages.HeartbeatResponse(5_000, List.of("a:2377", "b:2377"), "worker"),
                new ClusterMessages.Assignments("s", true, List.of(TASK), List.of()),
                new ClusterMessages.Assignments("s", false, List.of(), List.of("t0")),
                new ClusterMessages.StatusReport(Map.of("t1", TASK.status())),
                new ClusterMessages.StatusReport(Map.of("t1", new TaskStatus(TaskState.RUNNING, T0, "started", "", -1,
                        4242, new TaskHealth(TaskHealth.Status.HEALTHY, 1, List.of(new HealthResult(T0, T0 + 3, 0,
                        "ok\n")))))),
                new ClusterMessages.RenewRequest("csr"),
                new ClusterMessages.RenewResponse("cert", "manager"),
                new ClusterMessages.Refusal("this manager is not the leader", "b:2377"));

        for (Object m : messages) {
            assertThat(JSON.readValue(JSON.writeValueAsBytes(m), m.getClass())).isEqualTo(m);
        }
    }

    @Test
    void aNewerPeersExtraFieldsAreIgnored() throws Exception {
        String body = "{\"periodMillis\":5000,\"managers\":[\"a:2377\"],\"role\":\"manager\",\"drain\":true}";
        assertThat(JSON.readValue(body, ClusterMessages.HeartbeatResponse.class))
                .isEqualTo(new ClusterMessages.HeartbeatResponse(5_000, List.of("a:2377"), "manager"));
    }
}
