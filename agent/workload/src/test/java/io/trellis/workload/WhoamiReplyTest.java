package io.trellis.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WhoamiReplyTest {

    @Test
    void escapesJsonStrings() {
        WhoamiReply reply = new WhoamiReply(new WorkloadIdentity("we\"b.1", "a\\b", "", "node\n1"),
                new ClientOrigin("10.0.0.5:43122", "203.0.113.7:4242", "v2"), "GET", "/x");

        assertThat(reply.json()).isEqualTo("{\"task\":\"we\\\"b.1\",\"task-id\":\"a\\\\b\",\"service\":\"\","
                + "\"node\":\"node\\u000a1\",\"remoteAddr\":\"10.0.0.5:43122\",\"clientAddr\":\"203.0.113.7:4242\","
                + "\"proxyProtocol\":\"v2\",\"method\":\"GET\",\"path\":\"/x\"}\n");
    }

    @Test
    void textHasOneLinePerField() {
        WhoamiReply reply = new WhoamiReply(new WorkloadIdentity("web.1", "id", "web", "node1"),
                new ClientOrigin("10.0.0.5:43122", "203.0.113.7:4242", "v1"), "HEAD", "/");

        assertThat(reply.text()).isEqualTo("task: web.1\ntask-id: id\nservice: web\nnode: node1\n"
                + "RemoteAddr: 10.0.0.5:43122\nClientAddr: 203.0.113.7:4242\nProxyProtocol: v1\nmethod: HEAD\npath: /\n");
    }

    @Test
    void missingIdentityFallsBackToEmptyValuesAndTheLocalHostname() {
        WorkloadIdentity identity = WorkloadIdentity.fromEnvironment(java.util.Map.of());

        assertThat(identity.taskName()).isEmpty();
        assertThat(identity.serviceName()).isEmpty();
        assertThat(identity.nodeHostname()).isNotBlank();
    }
}
