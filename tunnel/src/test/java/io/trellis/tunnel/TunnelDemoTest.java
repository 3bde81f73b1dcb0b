package io.trellis.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.ipvs.Privileges;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The demo's tunnel act as the demo runs it: every echo comes back, and nothing is left behind. */
@Tag("netns")
class TunnelDemoTest {

    @Test
    void everyEchoComesBackAndCloseRemovesTheNamespaces() throws Exception {
        Assumptions.assumeTrue(Privileges.missingForNetns().isEmpty(), () -> Privileges.missingForNetns().orElse(""));
        Assumptions.assumeTrue(TunnelDemo.missingPrerequisites().isEmpty(),
                () -> "needs " + TunnelDemo.missingPrerequisites().orElse(""));
        StringWriter text = new StringWriter();
        try (TunnelDemo demo = new TunnelDemo(new PrintWriter(text, true))) {
            demo.run();
        }

        assertThat(text.toString())
                .contains("Trellis to kernel VXLAN: 'hello from trellis-demo-a'")
                .contains("kernel VXLAN to Trellis: 'hello from trellis-demo-b'")
                .contains("encrypted, Trellis to Trellis: 'hello from trellis-demo-a'")
                .containsPattern("esp counters on a: [1-9]\\d* packets encrypted, [1-9]\\d* decrypted, 0 dropped");
        assertThat(text.toString().lines().filter(l -> l.contains("echoed back in"))).hasSize(3);
        assertThat(Files.exists(Path.of("/run/netns/trellis-demo-a"))).isFalse();
        assertThat(Files.exists(Path.of("/run/netns/trellis-demo-b"))).isFalse();
    }
}
