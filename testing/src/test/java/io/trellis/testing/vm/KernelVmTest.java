package io.trellis.testing.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KernelVmTest {

    @BeforeAll
    static void needsVm() {
        KernelVm.assumeAvailable();
    }

    @Test
    void runsTheScriptInTheDebianKernelWithThisRootWritableOnlyInside() throws Exception {
        Path marker = Path.of("/var/tmp/trellis-kernel-vm-test-" + ProcessHandle.current().pid());
        String version = KernelVm.kernelVersion().orElseThrow();
        KernelVm.Result r = KernelVm.run(String.join("\n",
                "uname -r",
                "test -x " + ProcessHandle.current().info().command().orElse("/bin/sh") + " && echo same-root",
                "echo inside > " + marker + " && cat " + marker,
                "ip link set lo up && modprobe ip_vs && grep -q '^ip_vs ' /proc/modules && echo ipvs-loaded",
                "exit 7"), Duration.ofMinutes(3));

        assertEquals(7, r.exitCode(), r.output());
        assertTrue(r.output().contains(version + "\n"), r.output());
        assertTrue(r.output().contains("same-root\n"), r.output());
        assertTrue(r.output().contains("inside\n"), r.output());
        assertTrue(r.output().contains("ipvs-loaded\n"), r.output());
        assertFalse(Files.exists(marker), "a file written in the VM must not reach the host");
    }
}
