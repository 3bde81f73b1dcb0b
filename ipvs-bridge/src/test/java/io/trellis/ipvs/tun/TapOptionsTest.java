package io.trellis.ipvs.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TapOptionsTest {

    @Test
    void withersAddToWhatIsThere() {
        TapOptions options = TapOptions.named("tap7").withNonBlocking().withVnetHeader(Offloads.CSUM).withMultiQueue();

        assertThat(options).isEqualTo(new TapOptions("tap7", true, Offloads.CSUM, true, true));
        assertThat(TapOptions.kernelNamed().name()).isEmpty();
    }

    @Test
    void nameOfFifteenBytesFitsButSixteenDoesNot() {
        assertThat(TapOptions.named("fifteen-chars-x").name()).hasSize(15);
        assertThatThrownBy(() -> TapOptions.named("sixteen-chars-xx"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TAP name 'sixteen-chars-xx' must be at most 15 bytes long");
    }

    @Test
    void offloadsWithoutVnetHeaderAreRejected() {
        assertThatThrownBy(() -> new TapOptions("tap0", false, Offloads.CSUM, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offloads CSUM need the virtio-net header");
    }
}
