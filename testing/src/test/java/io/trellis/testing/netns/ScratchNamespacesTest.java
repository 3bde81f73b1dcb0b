package io.trellis.testing.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ScratchNamespacesTest {

    @Test
    void namespacesAreLinkedRunCommandsAndAreGoneAfterwards() throws Exception {
        Assumptions.assumeTrue(ScratchNamespaces.missing().isEmpty(), () -> ScratchNamespaces.missing().orElseThrow());
        ScratchNamespaces netns = new ScratchNamespaces("scratch-test");
        ScratchNamespace a = netns.create("a");
        ScratchNamespace b = netns.create("b");
        try {
            netns.link(a, "va", "10.99.0.1/24", b, "vb", "10.99.0.2/24");

            assertThat(a.path()).exists();
            assertThat(a.sh("ip -o link show lo")).contains("UP");
            assertThat(b.sh("ip -o addr show vb")).contains("10.99.0.2/24");
            assertThat(a.sh("ip -o link show")).doesNotContain("vb");
            assertThatThrownBy(() -> a.sh("exit 3")).isInstanceOf(IOException.class).hasMessageContaining("exited 3");
        } finally {
            netns.afterAll(null);
        }
        assertThat(Files.exists(a.path())).isFalse();
        assertThat(Files.exists(b.path())).isFalse();
    }
}
