package io.trellis.ipvs.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("netns")
class NamespaceHopTest {
    private static ScratchMountDir scratch;

    @BeforeEach
    void createScratchDirOrSkip() throws IOException {
        if (scratch == null) {
            scratch = ScratchMountDir.createOrSkip();
        }
    }

    @AfterEach
    void deleteNamespaces() throws IOException {
        if (scratch != null) {
            scratch.deleteAll();
        }
    }

    @AfterAll
    static void removeScratchDir() throws IOException {
        if (scratch != null) {
            scratch.close();
        }
    }

    @Test
    void runsOnTheCallingThreadInsideTheNamespaceAndComesBack() throws Exception {
        NetworkNamespace ns = NetworkNamespace.create(scratch.resolve("hop"));
        long home = Inodes.of(Inodes.THREAD_NETNS);
        try (NamespaceHop hop = NamespaceHop.open(ns.path())) {
            Thread caller = Thread.currentThread();
            long inside = hop.run(() -> {
                assertThat(Thread.currentThread()).isSameAs(caller);
                return inode();
            });
            assertThat(inside).isEqualTo(Inodes.of(ns.path())).isNotEqualTo(home);
            assertThat(Inodes.of(Inodes.THREAD_NETNS)).isEqualTo(home);
            // Back home even when the code throws.
            assertThatThrownBy(() -> hop.run(() -> {
                throw new IllegalArgumentException("boom");
            })).hasMessage("boom");
            assertThat(Inodes.of(Inodes.THREAD_NETNS)).isEqualTo(home);
        }
    }

    @Test
    void aSocketMadeInsideStaysThereForItsLife() throws Exception {
        NetworkNamespace ns = NetworkNamespace.create(scratch.resolve("sock"));
        try (NamespaceHop hop = NamespaceHop.open(ns.path());
             ServerSocketChannel server = hop.run(NamespaceHopTest::openServer)) {
            // Bound after the hop returned, yet on the other namespace's loopback: from here, nothing listens.
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            try (Socket s = new Socket()) {
                assertThatThrownBy(() -> s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500))
                        .isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void aClosedHopRefusesToRun() throws Exception {
        NetworkNamespace ns = NetworkNamespace.create(scratch.resolve("closed"));
        NamespaceHop hop = NamespaceHop.open(ns.path());
        hop.close();
        assertThatThrownBy(() -> hop.run(() -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    private static long inode() {
        try {
            return Inodes.of(Inodes.THREAD_NETNS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ServerSocketChannel openServer() {
        try {
            return ServerSocketChannel.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
