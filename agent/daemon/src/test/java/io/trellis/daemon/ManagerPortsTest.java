package io.trellis.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.api.ApiException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ManagerPortsTest {

    @Test
    void aTakenRaftPortIsOneLineNamingThePort() throws Exception {
        try (ServerSocket taken = listen()) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> ManagerPorts.requireFree("127.0.0.1:" + port, "127.0.0.1:" + free()))
                    .isInstanceOfSatisfying(ApiException.class,
                            e -> assertThat(e.kind()).isEqualTo(ApiException.Kind.CONFLICT))
                    .hasMessageStartingWith("port " + port + " is in use (Raft between managers on 127.0.0.1)")
                    .hasMessageContaining("--raft-port")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void aTakenClusterPortIsOneLineNamingThePort() throws Exception {
        try (ServerSocket taken = listen()) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> ManagerPorts.requireFree("127.0.0.1:" + free(), "127.0.0.1:" + port))
                    .hasMessageStartingWith("port " + port + " is in use (cluster API on 127.0.0.1)")
                    .hasMessageContaining("--listen-addr");
        }
    }

    @Test
    void freePortsPassAndStayFree() throws Exception {
        int raft = free();
        int cluster = free();
        assertThatCode(() -> ManagerPorts.requireFree("127.0.0.1:" + raft, "127.0.0.1:" + cluster))
                .doesNotThrowAnyException();
        try (ServerSocket again = new ServerSocket(raft, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(raft);
        }
    }

    @Test
    void anAddressNotOnThisHostIsRefusedWithTheReason() {
        // 192.0.2.0/24 is TEST-NET-1: never assigned to an interface here, so bind fails without traffic.
        assertThatThrownBy(() -> ManagerPorts.requireFree("192.0.2.1:" + 2378, "127.0.0.1:" + free()))
                .hasMessageStartingWith("cannot listen on 192.0.2.1:2378 (Raft between managers): ");
    }

    @Test
    void bracketedIpv6AddressesAreChecked() throws Exception {
        ServerSocket taken;
        try {
            taken = new ServerSocket(0, 1, InetAddress.getByName("::1"));
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            return;
        }
        try (taken) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> ManagerPorts.requireFree("[::1]:" + port, "127.0.0.1:" + free()))
                    .hasMessageStartingWith("port " + port + " is in use (Raft between managers on ::1)");
        }
    }

    private static ServerSocket listen() throws Exception {
        return new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    }

    private static int free() throws Exception {
        try (ServerSocket s = listen()) {
            return s.getLocalPort();
        }
    }
}
