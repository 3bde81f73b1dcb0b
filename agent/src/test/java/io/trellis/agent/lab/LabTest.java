package io.trellis.agent.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.agent.admin.AdminClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Builds a real 2-node lab, checks its underlay and agents, and always tears it down. */
@Tag("netns")
class LabTest {
    private static final StringWriter OUT = new StringWriter();
    private static Lab lab;

    @BeforeAll
    static void needsRoot() {
        Assumptions.assumeTrue(Lab.unavailableReason().isEmpty(), () -> Lab.unavailableReason().orElse(""));
        lab = new Lab(new PrintWriter(OUT, true));
    }

    @AfterAll
    static void alwaysDown() throws Exception {
        if (lab != null) {
            lab.down();
            assertThat(Files.exists(LabNetwork.pathOf(LabNetwork.HUB))).isFalse();
            assertThat(Files.exists(LabNetwork.pathOf("trellis-node1"))).isFalse();
            assertThat(Files.exists(Lab.DATA_ROOT)).isFalse();
            assertThat(Files.exists(LabState.FILE)).isFalse();
        }
    }

    private static int run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void upBuildsNodesThatReachEachOtherAndDownRemovesEverything() throws Exception {
        List<LabState.LabNode> nodes = lab.up(2);
        assertThat(nodes).extracting(LabState.LabNode::name).containsExactly("node1", "node2");

        // The underlay works between the nodes' namespaces, and only there.
        // (node2's agent serves Raft on its underlay address, so a TCP connect proves both)
        assertThat(run("nsenter", "--net=/run/netns/trellis-node1", "bash", "-c",
                "exec 3<>/dev/tcp/172.30.0.12/2378")).isZero();
        String hostAddrs = new String(new ProcessBuilder("ip", "-o", "addr", "show").start().getInputStream()
                .readAllBytes(), StandardCharsets.UTF_8);
        assertThat(hostAddrs).doesNotContain("172.30.0.");

        // Each node runs its own agent that answers as that node.
        for (LabState.LabNode n : nodes) {
            AdminClient.Response r = AdminClient.forHost(n.host()).send("GET", "/nodes", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"hostname\":\"" + n.name() + "\"");
        }

        // Idempotent: a second up with the same size keeps the running lab.
        lab.up(2);
        assertThat(OUT.toString()).contains("lab is already up with 2 nodes");
        assertThat(LabState.load().orElseThrow().nodes()).isEqualTo(nodes);

        // exec runs in the node's namespace with TRELLIS_HOST set.
        assertThat(lab.exec("node2", List.of("sh", "-c",
                "ip -o addr show eth0 | grep -q 172.30.0.12 && test \"$TRELLIS_HOST\" = " + nodes.get(1).host()))).isZero();

        lab.down();
        assertThat(nodes).noneMatch(n -> ProcessHandle.of(n.pid()).map(ProcessHandle::isAlive).orElse(false));
        assertThat(Files.exists(LabNetwork.pathOf("trellis-node2"))).isFalse();
        lab.down(); // and again: nothing to do, no error
    }
}
