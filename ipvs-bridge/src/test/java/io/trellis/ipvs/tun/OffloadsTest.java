package io.trellis.ipvs.tun;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OffloadsTest {

    @Test
    void bitsAreTheTunFlagsOfIfTunH() {
        assertThat(Offloads.CSUM.bits()).isEqualTo(0x01);
        assertThat(Offloads.TSO4.bits()).isEqualTo(0x02);
        assertThat(Offloads.TSO6.bits()).isEqualTo(0x04);
        assertThat(Offloads.TSO_ECN.bits()).isEqualTo(0x08);
        assertThat(Offloads.USO4.bits()).isEqualTo(0x20);
        assertThat(Offloads.USO6.bits()).isEqualTo(0x40);
        assertThat(Offloads.ALL.bits()).isEqualTo(0x6f);
    }

    @Test
    void toStringNamesFlagsAndKeepsUnknownBitsInHex() {
        assertThat(Offloads.NONE).hasToString("NONE");
        assertThat(Offloads.ALL).hasToString("CSUM|TSO4|TSO6|TSO_ECN|USO4|USO6");
        assertThat(Offloads.TSO6.plus(Offloads.CSUM).plus(new Offloads(0x180))).hasToString("CSUM|TSO6|0x180");
    }

    @Test
    void containsMeansEveryFlagOfTheOther() {
        Offloads tso = Offloads.CSUM.plus(Offloads.TSO4).plus(Offloads.TSO6);

        assertThat(tso.contains(Offloads.CSUM.plus(Offloads.TSO4))).isTrue();
        assertThat(tso.contains(Offloads.CSUM.plus(Offloads.USO4))).isFalse();
        assertThat(tso.contains(Offloads.NONE)).isTrue();
        assertThat(tso.minus(Offloads.TSO4)).isEqualTo(Offloads.CSUM.plus(Offloads.TSO6));
        assertThat(tso.minus(tso).isEmpty()).isTrue();
    }
}
