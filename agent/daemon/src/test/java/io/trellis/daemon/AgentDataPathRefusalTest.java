package io.trellis.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.cli.Cli;
import io.trellis.daemon.lb.IpvsBalancer;
import io.trellis.daemon.tools.SystemTools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trellis agent --dataplane kernel} or {@code --lb ipvs} on a host without IPVS (this one): one line, exit 1,
 * nothing started. Skipped where the kernel has IPVS.
 */
class AgentDataPathRefusalTest {
    @TempDir
    Path dir;

    private static void needsAKernelWithoutIpvs() {
        Assumptions.assumeTrue(IpvsBalancer.missing(SystemTools.system()).isPresent(),
                "this host can balance with IPVS");
    }

    @Test
    void kernelDataPathWithoutIpvsRefusesToStart() {
        needsAKernelWithoutIpvs();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path data = dir.resolve("data");

        int code = Cli.execute(new PrintWriter(out, true), new PrintWriter(err, true), new String[] {"agent",
                "--dataplane", "kernel", "--lb", "auto", "--data-dir", data.toString(),
                "-H", "unix://" + dir.resolve("agent.sock")},
                AgentCommand.class);

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(
                "error: --dataplane kernel needs IPVS for VIPs (--lb ipvs): IPVS is not available in this kernel"
                        + " (no ip_vs module: generic netlink family IPVS not found)" + System.lineSeparator());
        assertThat(Files.exists(data)).isFalse();
    }

    @Test
    void kernelDataPathWithTheUserSpaceBalancerRefusesToStart() {
        StringWriter err = new StringWriter();
        int code = Cli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), new String[] {
                "agent", "--dataplane", "kernel", "--data-dir", dir.resolve("data").toString()}, AgentCommand.class);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(
                "error: --dataplane kernel needs IPVS for VIPs (--lb ipvs): --lb is userspace" + System.lineSeparator());
    }

    @Test
    void lbIpvsWithoutIpvsRefusesToStart() {
        needsAKernelWithoutIpvs();
        StringWriter err = new StringWriter();
        Path data = dir.resolve("data");
        int code = Cli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), new String[] {
                "agent", "--lb", "ipvs", "--data-dir", data.toString(), "-H", "unix://" + dir.resolve("agent.sock")},
                AgentCommand.class);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: --lb ipvs: IPVS is not available in this kernel"
                + " (no ip_vs module: generic netlink family IPVS not found)" + System.lineSeparator());
        assertThat(Files.exists(data)).isFalse();
    }

    @Test
    void anUnknownDataPathIsRefusedTheSameWay() {
        StringWriter err = new StringWriter();
        int code = Cli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), new String[] {
                "agent", "--dataplane", "ebpf", "--data-dir", dir.resolve("data").toString()}, AgentCommand.class);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: invalid --dataplane ebpf: must be kernel, userspace or auto");
    }
}
