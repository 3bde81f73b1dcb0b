package io.trellis.daemon.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.testing.vm.KernelVm;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --lb ipvs}'s balancer in a kernel that has IPVS (this machine's has not): {@link KernelVm} boots Debian's
 * kernel, the script below builds a small topology and {@link IpvsBalancerVmCheck} drives the balancer in it.
 *
 * <pre>
 *   c 10.0.0.2 ─┐                       one bridge stands for the overlay (the balancer does not care which)
 *  s1 10.0.0.3 ─┼─ br0 (VM's root ns) ─ s1, s2: servers answering "from-sN" on port 80
 *  s2 10.0.0.4 ─┤
 *  sb 10.0.0.10 ┘  the ingress sandbox; ext 192.168.60.2 ── veth ── root ns 192.168.60.1 (the node's address)
 * </pre>
 */
class IpvsBalancerVmTest {
    private static final String SCRIPT = String.join("\n",
            "ip link set lo up",
            "ip link add br0 type bridge && ip link set br0 up",
            "for n in c s1 s2 sb; do ip netns add $n; ip -n $n link set lo up;"
                    + " ip link add v$n type veth peer name eth0 netns $n; ip link set v$n master br0 up;"
                    + " ip -n $n link set eth0 up; done",
            "ip -n c addr add 10.0.0.2/24 dev eth0; ip -n s1 addr add 10.0.0.3/24 dev eth0",
            "ip -n s2 addr add 10.0.0.4/24 dev eth0; ip -n sb addr add 10.0.0.10/24 dev eth0",
            "ip -n c route add default dev eth0",
            "ip netns add ext; ip -n ext link set lo up; ip link add vext type veth peer name eth0 netns ext",
            "ip addr add 192.168.60.1/24 dev vext; ip link set vext up",
            "ip -n ext addr add 192.168.60.2/24 dev eth0; ip -n ext link set eth0 up;"
                    + " ip -n ext route add default via 192.168.60.1",
            // Bounded by the VM's life: the VM powers off when this script ends.
            "for n in s1 s2; do ip netns exec $n sh -c \"while true; do echo from-$n | busybox nc -l -p 80; done\""
                    + " >/dev/null 2>&1 & done",
            "java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '" + System.getProperty("java.class.path") + "' "
                    + IpvsBalancerVmCheck.class.getName() + " 2>&1",
            "");

    @BeforeAll
    static void needsVm() {
        KernelVm.assumeAvailable();
    }

    @Test
    void programsVipsAndPublishedPortsIntoIpvsAndPutsRightWhatChangesBehindItsBack() throws Exception {
        KernelVm.Result r = KernelVm.run(SCRIPT, Duration.ofMinutes(6));

        assertThat(r.output()).contains("CHECK ipvs-available ok", "CHECK vip-balances ok",
                "CHECK vip-table-matches-ipvsadm ok", "CHECK vip-backend-removed ok", "CHECK vip-drift-repaired ok",
                "CHECK vip-scheduler-mh ok", "CHECK published-port-balances ok", "CHECK published-port-idempotent ok",
                "CHECK published-table-matches-ipvsadm ok", "CHECK published-drift-repaired ok",
                "CHECK published-port-removed ok", "CHECK closed ok");
        assertThat(r.exitCode()).as(r.output()).isZero();
    }
}
