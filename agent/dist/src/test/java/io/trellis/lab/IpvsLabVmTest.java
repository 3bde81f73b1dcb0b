package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.testing.vm.KernelVm;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --lb ipvs} in whole agents, in a kernel that has IPVS (this machine's may not): {@link KernelVm} boots
 * Debian's kernel and {@link IpvsLabVmCheck} runs a three-node lab in it, node3 on the kernel data path.
 *
 * <p>Three agents and six tasks need KVM: under emulation the run takes half an hour or more, far beyond the suite's
 * budget, so without KVM the test skips unless {@code -Dtrellis.vm.emulated=true} asks for it.
 */
class IpvsLabVmTest {
    private static final String SCRIPT = String.join("\n",
            "ip link set lo up",
            "hostname ipvs-lab-vm",
            // The VM has no udev: the TAP device node appears when its module is loaded.
            "modprobe tun",
            "cd /tmp && java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '" + System.getProperty("java.class.path")
                    + "' " + IpvsLabVmCheck.class.getName() + " > /run/check.out 2>&1 &",
            // The console shows progress, so a run that times out still says how far it got.
            "check=$!; tail -f --pid=$check /run/check.out > /dev/ttyS0 &",
            "wait $check; rc=$?; cat /run/check.out; exit $rc",
            "");

    @BeforeAll
    static void needsVm() {
        KernelVm.assumeAvailable();
        Assumptions.assumeTrue(KernelVm.kvmUsable() || Boolean.getBoolean("trellis.vm.emulated"),
                "IpvsLabVmTest: needs KVM (a three-agent lab under emulation takes over 30 min;"
                        + " -Dtrellis.vm.emulated=true runs it anyway)");
    }

    @Test
    void aLabBalancedByIpvsServesItsPortsAndVipsAndMixesDataPaths() throws Exception {
        KernelVm.Result r = KernelVm.run(SCRIPT, Duration.ofMinutes(KernelVm.kvmUsable() ? 15 : 90), 6144);
        System.out.println(r.output());

        assertThat(r.output()).contains("CHECK lab-up ok", "CHECK services-running ok",
                "CHECK published-port-on-node1 ok", "CHECK published-port-on-node3 ok",
                "CHECK published-table-matches-ipvsadm-on-node1 ok", "CHECK published-table-matches-ipvsadm-on-node3 ok",
                "CHECK vip-table-matches-ipvsadm-on-node1 ok", "CHECK vip-table-matches-ipvsadm-on-node3 ok",
                "CHECK vip-from-node1 ok", "CHECK vip-from-node3 ok", "CHECK all ok");
        assertThat(r.exitCode()).as(r.output()).isZero();
    }
}
