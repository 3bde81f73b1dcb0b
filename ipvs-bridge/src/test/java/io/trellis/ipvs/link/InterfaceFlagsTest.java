package io.trellis.ipvs.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.ipvs.NativeException;
import io.trellis.ipvs.netns.Commands;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.ipvs.netns.ScratchMountDir;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Runs against a fresh namespace each time, so the host's interfaces are never touched. */
@Tag("netns")
class InterfaceFlagsTest {

    private static ScratchMountDir scratch;
    private NetworkNamespace ns;

    // Made here rather than in @BeforeAll, so that without root each test is skipped on its own.
    @BeforeEach
    void createNamespaceOrSkip() throws IOException {
        if (scratch == null) {
            scratch = ScratchMountDir.createOrSkip();
        }
        ns = NetworkNamespace.create(scratch.resolve("flags"));
    }

    @AfterEach
    void deleteNamespace() throws IOException {
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
    void loopbackOfFreshNamespaceIsDown() throws Exception {
        assertThat(ns.call(() -> InterfaceFlags.isUp("lo"))).isFalse();
        assertThat(linkShowLo()).contains("<LOOPBACK>").contains("state DOWN");
    }

    @Test
    void setUpBringsLoopbackUp() throws Exception {
        ns.call(() -> {
            InterfaceFlags.setUp("lo");
            return null;
        });

        assertThat(ns.call(() -> InterfaceFlags.isUp("lo"))).isTrue();
        assertThat(linkShowLo()).contains("<LOOPBACK,UP,LOWER_UP>");
    }

    @Test
    void setDownTakesLoopbackDownAgain() throws Exception {
        ns.call(() -> {
            InterfaceFlags.setUp("lo");
            InterfaceFlags.setDown("lo");
            return null;
        });

        assertThat(ns.call(() -> InterfaceFlags.isUp("lo"))).isFalse();
        assertThat(linkShowLo()).contains("<LOOPBACK>");
    }

    @Test
    void unknownInterfaceFailsWithEnodevNamingIt() {
        assertThatThrownBy(() -> ns.call(() -> InterfaceFlags.isUp("eth0")))
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(19))
                .hasMessage("read flags of interface eth0: No such device (errno 19)");
    }

    @Test
    void overlongNameIsRejectedBeforeAnySyscall() {
        assertThatThrownBy(() -> InterfaceFlags.isUp("sixteen-chars-xx"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interface name 'sixteen-chars-xx' must be 1 to 15 bytes long");
    }

    private String linkShowLo() throws IOException, InterruptedException {
        return Commands.run("nsenter", "--net=" + ns.path(), "ip", "-o", "link", "show", "lo");
    }
}
