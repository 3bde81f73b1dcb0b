package io.trellis.daemon.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.api.SandboxOptions;
import io.trellis.process.sandbox.Capabilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layouts on fake trees (files where the kernel would have them); the real one: ProcessRuntimeSandboxTest. */
class CgroupsTest {
    @TempDir
    Path root;

    @Test
    void pureV2PutsTasksUnderTrellisWithTheirLimitsInCpuMaxAndMemoryMax() throws Exception {
        touch(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids");
        touch(root.resolve("trellis/cgroup.controllers"), "cpu memory pids");
        touch(root.resolve("trellis/t1/memory.swap.max"), "max");
        Cgroups cg = Cgroups.detect(root, root.resolve("self"));

        TaskCgroup t = cg.create("t1", 1_500_000_000L, 256L << 20);

        assertThat(cg.layout()).isEqualTo(Cgroups.Layout.UNIFIED);
        assertThat(t.membership()).isEqualTo(root.resolve("trellis/t1"));
        assertThat(Files.readString(root.resolve("cgroup.subtree_control"))).isEqualTo("+cpu +memory +pids");
        assertThat(Files.readString(root.resolve("trellis/t1/cpu.max"))).isEqualTo("150000 100000");
        assertThat(Files.readString(root.resolve("trellis/t1/memory.max"))).isEqualTo("268435456");
        assertThat(Files.readString(root.resolve("trellis/t1/memory.swap.max"))).isEqualTo("0");
    }

    @Test
    void hybridJoinsTheUnifiedTreeAndLimitsThroughV1UnderTheAgentsOwnCgroup() throws Exception {
        touch(root.resolve("unified/cgroup.procs"), "");
        touch(root.resolve("memory/cgroup.procs"), "");
        touch(root.resolve("cpu/cgroup.procs"), "");
        touch(root.resolve("self"), "4:memory:/jobs/42\n1:cpu,cpuacct:/\n0::/\n");
        Cgroups cg = Cgroups.detect(root, root.resolve("self"));

        TaskCgroup t = cg.create("t1", 250_000_000L, 64L << 20);

        assertThat(cg.layout()).isEqualTo(Cgroups.Layout.HYBRID);
        assertThat(t.membership()).isEqualTo(root.resolve("unified/trellis/t1"));
        assertThat(Files.readString(root.resolve("memory/jobs/42/trellis/t1/memory.limit_in_bytes")))
                .isEqualTo("67108864");
        assertThat(Files.readString(root.resolve("cpu/trellis/t1/cpu.cfs_quota_us"))).isEqualTo("25000");
        assertThat(Files.readString(root.resolve("cpu/trellis/t1/cpu.cfs_period_us"))).isEqualTo("100000");
        assertThat(t.directories()).containsExactly(root.resolve("unified/trellis/t1"),
                root.resolve("memory/jobs/42/trellis/t1"), root.resolve("cpu/trellis/t1"));
    }

    @Test
    void withoutCgroupsLimitsAreRefusedAndTasksWithoutThemStillStart() throws Exception {
        Cgroups cg = Cgroups.detect(root, root.resolve("self"));

        assertThat(cg.layout()).isEqualTo(Cgroups.Layout.NONE);
        assertThat(cg.create("t1", 0, 0).procsFiles()).isEmpty();
        assertThatThrownBy(() -> cg.create("t1", 0, 1 << 20)).isInstanceOf(IOException.class)
                .hasMessageContaining("limits need cgroups");
    }

    @Test
    void theManagerAndTheNodeKnowTheSameCapabilities() {
        assertThat(SandboxOptions.CAPABILITIES).isEqualTo(Capabilities.NAMES);
    }

    private static void touch(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
