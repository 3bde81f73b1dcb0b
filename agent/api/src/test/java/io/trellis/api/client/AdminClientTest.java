package io.trellis.api.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AdminClientTest {

    @Test
    void parsesTheDockerStyleHostForms() {
        assertThat(AdminHost.parse("unix:///run/trellis/trellis.sock"))
                .isEqualTo(new AdminHost.Unix(Path.of("/run/trellis/trellis.sock")));
        assertThat(AdminHost.parse("tcp://127.0.0.1:9323")).isEqualTo(new AdminHost.Tcp("127.0.0.1", 9323));
        assertThat(AdminHost.parse("tcp://[::1]:9323")).isEqualTo(new AdminHost.Tcp("::1", 9323));
        assertThat(AdminHost.parse("tcp://[::1]:9323")).hasToString("tcp://[::1]:9323");
        assertThat(AdminHost.parse("unix:///run/trellis/trellis.sock")).hasToString("unix:///run/trellis/trellis.sock");
    }

    @Test
    void rejectsOtherFormsNamingTheAllowedOnes() {
        for (String bad : new String[] {"/run/trellis.sock", "unix://relative.sock", "unix://", "tcp://host",
                "tcp://:9323", "tcp://host:65536", "tcp://host:http", "http://host:80"}) {
            assertThatThrownBy(() -> AdminClient.forHost(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("invalid host \"" + bad + "\": use unix:///path/to/socket or tcp://host:port");
        }
    }

    @Test
    void missingSocketIsReportedAsUnreachableInOneLine() {
        AdminClient client = AdminClient.forHost("unix:///tmp/trellis-no-such-agent.sock");

        assertThatThrownBy(() -> client.send("GET", "/info", null))
                .isInstanceOf(AgentUnreachableException.class)
                .hasMessage("cannot reach the Trellis agent at unix:///tmp/trellis-no-such-agent.sock: "
                        + "No such file or directory. Is `trellis agent` running?");
    }

    @Test
    void refusedTcpConnectionIsReportedAsUnreachable() throws Exception {
        // Port 1 (tcpmux) is reserved and nothing on a test host listens there.
        AdminClient client = new AdminClient(AdminHost.parse("tcp://127.0.0.1:1"), javax.net.ssl.SSLContext.getDefault());

        assertThatThrownBy(() -> client.stream("GET", "/info", null, java.io.OutputStream.nullOutputStream()))
                .isInstanceOf(AgentUnreachableException.class)
                .hasMessageStartingWith("cannot reach the Trellis agent at tcp://127.0.0.1:1: Connection refused")
                .hasMessageNotContaining("\n");
    }

    @Test
    void tcpWithoutTlsIsRefusedBeforeConnecting() {
        assertThatThrownBy(() -> new AdminClient(AdminHost.parse("tcp://127.0.0.1:9323"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the admin API on tcp://127.0.0.1:9323 needs TLS: a CA certificate, a client certificate "
                        + "and its key");
    }
}
