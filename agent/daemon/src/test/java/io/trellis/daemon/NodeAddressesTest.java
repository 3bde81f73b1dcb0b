package io.trellis.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trellis.controlplane.api.ApiException;
import org.junit.jupiter.api.Test;

class NodeAddressesTest {

    @Test
    void advertiseFallsBackToTheAgentsAddressWhenBlank() {
        assertThat(NodeAddresses.advertise(null, "10.0.0.5")).isEqualTo("10.0.0.5");
        assertThat(NodeAddresses.advertise("  ", "10.0.0.5")).isEqualTo("10.0.0.5");
        assertThat(NodeAddresses.advertise("192.168.1.2", "10.0.0.5")).isEqualTo("192.168.1.2");
        assertThat(NodeAddresses.advertise("fd00::1", "10.0.0.5")).isEqualTo("fd00::1");
    }

    @Test
    void advertiseRefusesAHostName() {
        assertRefused(() -> NodeAddresses.advertise("node-1.example", "10.0.0.5"),
                "invalid --advertise-addr \"node-1.example\": expected an IP address");
        assertRefused(() -> NodeAddresses.advertise("10.0.0.1:2377", "10.0.0.5"),
                "invalid --advertise-addr \"10.0.0.1:2377\": expected an IP address");
    }

    @Test
    void listenDefaultsToTheAdvertiseAddressOnTheClusterPort() {
        assertThat(NodeAddresses.listen(null, "10.0.0.5")).isEqualTo("10.0.0.5:2377");
        assertThat(NodeAddresses.listen("", "fd00::1")).isEqualTo("[fd00::1]:2377");
        assertThat(NodeAddresses.listen("10.0.0.7", "10.0.0.5")).isEqualTo("10.0.0.7:2377");
        assertThat(NodeAddresses.listen("10.0.0.7:4000", "10.0.0.5")).isEqualTo("10.0.0.7:4000");
        assertThat(NodeAddresses.listen("[fd00::7]:4000", "10.0.0.5")).isEqualTo("[fd00::7]:4000");
    }

    @Test
    void listenRefusesMalformedAddressesAndPortsOutOfRange() {
        assertRefused(() -> NodeAddresses.listen("node-1:2377", "10.0.0.5"),
                "invalid --listen-addr \"node-1:2377\": expected IP[:PORT]");
        assertRefused(() -> NodeAddresses.listen("fd00::7", "10.0.0.5"),
                "invalid --listen-addr \"fd00::7\": expected IP[:PORT]");
        assertRefused(() -> NodeAddresses.listen("10.0.0.7:0", "10.0.0.5"),
                "invalid --listen-addr \"10.0.0.7:0\": port must be 1-65535");
        assertRefused(() -> NodeAddresses.listen("10.0.0.7:65536", "10.0.0.5"),
                "invalid --listen-addr \"10.0.0.7:65536\": port must be 1-65535");
    }

    @Test
    void managerAcceptsHostPortAndBracketedIpv6() {
        assertThat(NodeAddresses.manager("10.0.0.1:2377")).isEqualTo("10.0.0.1:2377");
        assertThat(NodeAddresses.manager("manager-1:2377")).isEqualTo("manager-1:2377");
        assertThat(NodeAddresses.manager("[fd00::1]:2377")).isEqualTo("[fd00::1]:2377");
    }

    @Test
    void managerRefusesAnAddressWithoutAPort() {
        assertRefused(() -> NodeAddresses.manager(null),
                "invalid manager address \"null\": expected HOST:PORT, e.g. 10.0.0.1:2377");
        assertRefused(() -> NodeAddresses.manager("10.0.0.1"),
                "invalid manager address \"10.0.0.1\": expected HOST:PORT, e.g. 10.0.0.1:2377");
        assertRefused(() -> NodeAddresses.manager("fd00::1:2377"),
                "invalid manager address \"fd00::1:2377\": expected HOST:PORT, e.g. 10.0.0.1:2377");
    }

    @Test
    void hostPortBracketsIpv6() {
        assertThat(NodeAddresses.hostPort("10.0.0.1", 2378)).isEqualTo("10.0.0.1:2378");
        assertThat(NodeAddresses.hostPort("fd00::1", 2378)).isEqualTo("[fd00::1]:2378");
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable call, String message) {
        ApiException e = assertThrows(ApiException.class, call);
        assertThat(e.kind()).isEqualTo(ApiException.Kind.INVALID);
        assertThat(e.getMessage()).isEqualTo(message);
    }
}
