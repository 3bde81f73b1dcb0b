package io.trellis.dataplane.secure;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.ipsec.esp.EspFlyweight;
import org.junit.jupiter.api.Test;

class EspMtuTest {
    /** docs/encryption.md §1: on a 1500-octet IPv4 underlay, 1450 plain and 1408 encrypted. */
    @Test
    void lowersTheDefaultOverlayMtuTo1408() {
        assertThat(EspMtu.encryptedMtu(1450)).isEqualTo(1408);
    }

    @Test
    void aFullSizedFrameFillsTheUnderlayExactly() {
        for (int plain = 576; plain <= 9000; plain++) {
            int mtu = EspMtu.encryptedMtu(plain);
            int underlay = plain + 50;
            // outer IPv4 + UDP + ESP(inner UDP + VXLAN + Ethernet + IP packet of the MTU)
            int packet = 20 + 8 + EspFlyweight.packetLength(8 + 8 + 14 + mtu);
            assertThat(packet).isLessThanOrEqualTo(underlay);
            assertThat(20 + 8 + EspFlyweight.packetLength(8 + 8 + 14 + mtu + 4)).isGreaterThan(underlay);
        }
    }
}
