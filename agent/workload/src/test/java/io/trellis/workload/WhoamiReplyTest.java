package io.trellis.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WhoamiReplyTest {

    @Test
    void escapesJsonStrings() {
        WhoamiReply reply = new WhoamiReply(new WorkloadIdentity("we\"b.1", "a\\b", "", "node\n1"),
                "10.0.0.5:43122", "GET", "/x");

        assertThat(reply.json()).isEqualTo("{\"task\":\"we\\\"b.1\",\"task-id\":\"a\\\\b\",\"service\":\"\","
                + "\"node\":\"node\\u000a1\",\"client\":\"10.0.0.5:43122\",\"method\":\"GET\",\"path\":\"/x\"}\n");
    }

    @Test
    void missingIdentityFallsBackToEmptyValuesAndTheLocalHostname() {
        WorkloadIdentity identity = WorkloadIdentity.fromEnvironment(java.util.Map.of());

        assertThat(identity.taskName()).isEmpty();
        assertThat(identity.serviceName()).isEmpty();
        assertThat(identity.nodeHostname()).isNotBlank();
    }
}
