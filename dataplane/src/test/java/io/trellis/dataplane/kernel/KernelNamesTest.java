package io.trellis.dataplane.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KernelNamesTest {
    @Test
    void namesFitIfnamsizAndAreDeterministic() {
        assertThat(KernelNames.bridge(0xFF_FFFF)).isEqualTo("tkbffffff");
        assertThat(KernelNames.vxlan(4096)).isEqualTo("tkv001000");
        assertThat(KernelNames.veth(0xFF_FFFF, 0xFFFF_FFFF)).isEqualTo("tkeffffffffffff").hasSize(15);
        assertThat(KernelNames.veth(4096, 0x0A00_0102)).isEqualTo(KernelNames.veth(4096, 0x0B00_0102));
    }

    @Test
    void onlyItsOwnPatternsAreOurs() {
        assertThat(KernelNames.isOurs(KernelNames.bridge(1))).isTrue();
        assertThat(KernelNames.isOurs(KernelNames.vxlan(1))).isTrue();
        assertThat(KernelNames.isOurs(KernelNames.veth(1, 2))).isTrue();
        assertThat(KernelNames.isOurs("tkeep")).isFalse();
        assertThat(KernelNames.isOurs("tkb0000011")).isFalse();
        assertThat(KernelNames.isOurs("tl0a000002")).isFalse();
        assertThat(KernelNames.isOurs("eth0")).isFalse();
    }
}
