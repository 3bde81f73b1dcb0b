package io.trellis.ipvs.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Misuse of the socket's single send buffer fails loudly; needs no privilege, sends nothing. */
class NetlinkSocketTest {

    @Test
    void requestOverwrittenByALaterOneIsNotSent() throws Exception {
        try (NetlinkSocket socket = NetlinkSocket.open()) {
            NetlinkMessage first = socket.message(LinkCodec.RTM_DELLINK, 0);
            socket.message(LinkCodec.RTM_GETLINK, 0);

            assertThatThrownBy(() -> socket.execute(first, "delete link", "x"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("overwritten by a later message()");
        }
    }

    @Test
    void closedSocketRefusesNewRequests() throws Exception {
        NetlinkSocket socket = NetlinkSocket.open();
        socket.close();
        socket.close();

        assertThatThrownBy(() -> socket.message(LinkCodec.RTM_GETLINK, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("netlink socket is closed");
    }

    @Test
    void unprivilegedDumpOfOwnNamespaceListsLoopback() throws Exception {
        try (RtNetlink rt = RtNetlink.open()) {
            assertThat(rt.listLinks()).extracting(Link::name).contains("lo");
        }
    }
}
