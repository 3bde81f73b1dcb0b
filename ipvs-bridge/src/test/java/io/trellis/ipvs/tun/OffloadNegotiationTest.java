package io.trellis.ipvs.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.ipvs.NativeException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OffloadNegotiationTest {

    private static final int CSUM = 0x01;
    private static final int TSO4 = 0x02;
    private static final int TSO6 = 0x04;
    private static final int TSO_ECN = 0x08;
    private static final int UFO = 0x10;
    private static final int USO4 = 0x20;
    private static final int USO6 = 0x40;

    /**
     * drivers/net/tun.c set_offload() reduced to its verdict: all or nothing, and the device keeps
     * its last accepted set after a refusal.
     */
    private static final class FakeTun implements OffloadNegotiation.Kernel {
        final boolean hasUso; // Linux 6.2+
        final List<Integer> attempts = new ArrayList<>();
        int state;

        FakeTun(boolean hasUso) {
            this.hasUso = hasUso;
        }

        @Override
        public boolean trySet(int bits) {
            attempts.add(bits);
            int arg = bits;
            if ((arg & CSUM) != 0) {
                arg &= ~CSUM;
                if ((arg & (TSO4 | TSO6)) != 0) {
                    arg &= ~(TSO_ECN | TSO4 | TSO6);
                }
                arg &= ~UFO;
                if (hasUso && (arg & USO4) != 0 && (arg & USO6) != 0) {
                    arg &= ~(USO4 | USO6);
                }
            }
            if (arg != 0) {
                return false;
            }
            state = bits;
            return true;
        }
    }

    @Test
    void wholeSetAcceptedTakesOneCall() throws NativeException {
        FakeTun tun = new FakeTun(true);

        assertThat(OffloadNegotiation.negotiate(Offloads.ALL, tun)).isEqualTo(Offloads.ALL);
        assertThat(tun.attempts).containsExactly(Offloads.ALL.bits());
    }

    @Test
    void kernelWithoutUsoKeepsTheRest() throws NativeException {
        FakeTun tun = new FakeTun(false);

        Offloads accepted = OffloadNegotiation.negotiate(Offloads.ALL, tun);

        assertThat(accepted).hasToString("CSUM|TSO4|TSO6|TSO_ECN");
        assertThat(tun.state).as("what the device is left with").isEqualTo(accepted.bits());
    }

    @Test
    void tsoWithoutCsumIsRefusedEntirely() throws NativeException {
        FakeTun tun = new FakeTun(true);

        assertThat(OffloadNegotiation.negotiate(Offloads.TSO4.plus(Offloads.TSO6), tun)).isEqualTo(Offloads.NONE);
        assertThat(tun.state).isZero();
    }

    @Test
    void usoPairSurvivesRefusalOfAnotherFlag() throws NativeException {
        FakeTun tun = new FakeTun(true);
        // ECN without TSO is refused, which forces the flag-by-flag path.
        Offloads wanted = Offloads.CSUM.plus(Offloads.TSO_ECN).plus(Offloads.USO4).plus(Offloads.USO6);

        Offloads accepted = OffloadNegotiation.negotiate(wanted, tun);

        assertThat(accepted).hasToString("CSUM|USO4|USO6");
        assertThat(tun.state).isEqualTo(accepted.bits());
    }

    @Test
    void lonelyUso4IsRefused() throws NativeException {
        FakeTun tun = new FakeTun(true);

        assertThat(OffloadNegotiation.negotiate(Offloads.CSUM.plus(Offloads.USO4), tun)).isEqualTo(Offloads.CSUM);
    }

    @Test
    void nothingWantedAsksNothing() throws NativeException {
        FakeTun tun = new FakeTun(true);

        assertThat(OffloadNegotiation.negotiate(Offloads.NONE, tun)).isEqualTo(Offloads.NONE);
        assertThat(tun.attempts).isEmpty();
    }

    @Test
    void otherFailureThanRefusalPropagates() {
        NativeException badFd = new NativeException("set offloads CSUM on TAP", "tap0", 9);

        assertThatThrownBy(() -> OffloadNegotiation.negotiate(Offloads.CSUM, bits -> {
            throw badFd;
        })).isSameAs(badFd);
    }
}
