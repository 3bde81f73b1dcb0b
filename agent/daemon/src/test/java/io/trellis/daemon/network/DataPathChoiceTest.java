package io.trellis.daemon.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class DataPathChoiceTest {
    private static final Supplier<Capability> YES = Capability::yes;
    private static final Supplier<Capability> NO_VXLAN = () -> Capability.no("this kernel has no VXLAN devices");
    private static final Supplier<Capability> NO_IPVS = () -> Capability.no("IPVS support is not built yet");

    @Test
    void userspaceProbesNothing() {
        AtomicInteger probes = new AtomicInteger();
        Supplier<Capability> counted = () -> {
            probes.incrementAndGet();
            return Capability.yes();
        };
        DataPathChoice c = DataPathChoice.resolve(DataPathChoice.Requested.USERSPACE, counted, counted);
        assertThat(c.path()).isEqualTo(DataPath.USERSPACE);
        assertThat(c.why()).isEqualTo("data path: user space (--dataplane userspace)");
        assertThat(probes).hasValue(0);
    }

    @Test
    void kernelWithoutIpvsRefusesWithOneLine() {
        assertThatThrownBy(() -> DataPathChoice.resolve(DataPathChoice.Requested.KERNEL, YES, NO_IPVS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("--dataplane kernel needs IPVS for VIPs (--lb ipvs): IPVS support is not built yet");
    }

    @Test
    void kernelWithoutVxlanRefusesWithTheProbesReason() {
        assertThatThrownBy(() -> DataPathChoice.resolve(DataPathChoice.Requested.KERNEL, NO_VXLAN, YES))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("--dataplane kernel needs kernel VXLAN and bridge devices: this kernel has no VXLAN devices");
    }

    @Test
    void kernelWithBoth() {
        assertThat(DataPathChoice.resolve(DataPathChoice.Requested.KERNEL, YES, YES).path()).isEqualTo(DataPath.KERNEL);
    }

    @Test
    void autoTakesTheKernelOnlyWithBoth() {
        DataPathChoice both = DataPathChoice.resolve(DataPathChoice.Requested.AUTO, YES, YES);
        assertThat(both.path()).isEqualTo(DataPath.KERNEL);
        assertThat(both.why()).contains("--dataplane auto", "kernel VXLAN and IPVS are there");

        DataPathChoice noIpvs = DataPathChoice.resolve(DataPathChoice.Requested.AUTO, YES, NO_IPVS);
        assertThat(noIpvs.path()).isEqualTo(DataPath.USERSPACE);
        assertThat(noIpvs.why()).isEqualTo(
                "data path: user space (--dataplane auto: no IPVS for VIPs: IPVS support is not built yet)");

        DataPathChoice noVxlan = DataPathChoice.resolve(DataPathChoice.Requested.AUTO, NO_VXLAN, YES);
        assertThat(noVxlan.path()).isEqualTo(DataPath.USERSPACE);
        assertThat(noVxlan.why()).contains("no kernel VXLAN: this kernel has no VXLAN devices");
    }

    @Test
    void parsesTheFlagCaseInsensitivelyAndNamesItWhenWrong() {
        assertThat(DataPathChoice.Requested.parse("Kernel")).isEqualTo(DataPathChoice.Requested.KERNEL);
        assertThat(DataPathChoice.Requested.parse("auto")).isEqualTo(DataPathChoice.Requested.AUTO);
        assertThatThrownBy(() -> DataPathChoice.Requested.parse("ebpf"))
                .hasMessage("invalid --dataplane ebpf: must be kernel, userspace or auto");
    }
}
