package io.trellis.dataplane.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.ipvs.tun.Offloads;
import org.junit.jupiter.api.Test;

class OffloadSelectionTest {

    @Test
    void autoUsesLinuxOffloadsOnlyWhereTheTransportCanSegmentUdp() {
        Offload linux = Offload.select(OffloadMode.AUTO, true);
        assertThat(linux).isInstanceOf(LinuxOffload.class);
        assertThat(linux.tapOffloads()).isEqualTo(Offloads.CSUM.plus(Offloads.TSO4).plus(Offloads.TSO6).plus(Offloads.TSO_ECN));
        assertThat(linux.udpSegmentation()).isTrue();
        assertThat(linux.udpReceiveOffload()).isTrue();
        assertThat(linux.label()).isEqualTo("linux");

        assertThat(Offload.select(OffloadMode.AUTO, false)).isInstanceOf(NoOffload.class);
    }

    @Test
    void capsTsoFramesAtWhatOneUdpGsoSendCarries() {
        // 65,507 / 1472 = 44 datagrams per send; at MSS 1398 a 64 KB frame would be 47.
        assertThat(Offload.select(OffloadMode.AUTO, true).tapGsoMaxSegments(1472)).isEqualTo(44);
        assertThat(Offload.select(OffloadMode.AUTO, true).tapGsoMaxSegments(500)).isEqualTo(DatagramRun.MAX_SEGMENTS_PER_SEND);
        assertThat(Offload.select(OffloadMode.OFF, true).tapGsoMaxSegments(1472)).as("no TSO, nothing to cap").isZero();
    }

    @Test
    void offTurnsEverythingOff() {
        Offload none = Offload.select(OffloadMode.parse("off"), true);
        assertThat(none).isInstanceOf(NoOffload.class);
        assertThat(none.tapOffloads()).isEqualTo(Offloads.NONE);
        assertThat(none.udpSegmentation()).isFalse();
        assertThat(none.udpReceiveOffload()).isFalse();
        assertThat(none.label()).isEqualTo("none");
    }

    @Test
    void parsesTheSwitchWithAOneLineError() {
        assertThat(OffloadMode.parse("AUTO")).isEqualTo(OffloadMode.AUTO);
        assertThat(OffloadMode.parse("on")).isEqualTo(OffloadMode.AUTO);
        assertThat(OffloadMode.parse("off")).isEqualTo(OffloadMode.OFF);
        assertThatThrownBy(() -> OffloadMode.parse("yes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid --offloads \"yes\": use auto (or on) or off");
    }
}
