package io.trellis.ipsec.esp;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static io.trellis.ipsec.esp.InboundResult.OK;
import static io.trellis.ipsec.esp.InboundResult.REPLAYED;
import static io.trellis.ipsec.esp.InboundResult.TOO_OLD;
import static org.assertj.core.api.Assertions.assertThat;

class ReplayWindowTest {
    private static final long TWO_32 = 1L << 32;

    private final ReplayWindow window = new ReplayWindow();

    private void receive(long seq) {
        assertThat(window.check(seq)).as("check %s", Long.toUnsignedString(seq)).isEqualTo(OK);
        assertThat(window.update(seq)).as("update %s", Long.toUnsignedString(seq)).isTrue();
    }

    @Test
    void acceptsInOrderAndDropsReplayedPacket() {
        for (long seq = 1; seq <= 5000; seq++) {
            receive(seq);
        }
        assertThat(window.check(5000)).isEqualTo(REPLAYED);
        assertThat(window.check(5000 - 2047)).isEqualTo(REPLAYED);
        assertThat(window.check(5000 - 2048)).isEqualTo(TOO_OLD);
        assertThat(window.check(5001)).isEqualTo(OK);
    }

    @Test
    void acceptsReorderingInsideTheWindowOnlyOnce() {
        receive(3000);
        receive(3000 - 2047); // the oldest number still inside
        assertThat(window.check(3000 - 2047)).isEqualTo(REPLAYED);
        assertThat(window.check(3000 - 2048)).isEqualTo(TOO_OLD);
        receive(2999);
        receive(1500);
        assertThat(window.highest()).isEqualTo(3000);
    }

    @Test
    void checkChangesNothingAndUpdateRefusesASecondDelivery() {
        assertThat(window.check(7)).isEqualTo(OK);
        assertThat(window.check(7)).isEqualTo(OK);
        assertThat(window.highest()).isZero();
        assertThat(window.update(7)).isTrue();
        // Two threads passed check() with the same number: only the first update wins.
        assertThat(window.update(7)).isFalse();
        assertThat(window.check(7)).isEqualTo(REPLAYED);
    }

    @Test
    void zeroIsNeverValid() {
        assertThat(window.check(0)).isEqualTo(TOO_OLD);
        assertThat(window.update(0)).isFalse();
    }

    @Test
    void slidingFarForgetsEverything() {
        receive(10);
        receive(10 + 2048 * 3 + 5);
        assertThat(window.check(10)).isEqualTo(TOO_OLD);
        // The ring slot of 10 was reused: numbers in the new window are fresh.
        assertThat(window.check(10 + 2048 * 3)).isEqualTo(OK);
    }

    /** The ring bitmap against a plain set, over 300k random moves: small steps, reordering, jumps. */
    @Test
    void agreesWithASetModel() {
        Random random = new Random(4303);
        Set<Long> received = new HashSet<>();
        long top = 0;
        for (int i = 0; i < 300_000; i++) {
            long seq;
            int move = random.nextInt(100);
            if (move < 60) {
                seq = top + 1 + random.nextInt(3);
            } else if (move < 95) {
                seq = Math.max(0, top - random.nextInt(2200));
            } else if (move < 99) {
                seq = top + random.nextInt(4000);
            } else {
                seq = top + 2048 + random.nextInt(100_000);
            }
            InboundResult expected = seq > top ? OK
                    : seq == 0 || top - seq >= ReplayWindow.SIZE ? TOO_OLD
                    : received.contains(seq) ? REPLAYED : OK;
            assertThat(window.check(seq)).as("check %d with T=%d", seq, top).isEqualTo(expected);
            if (expected == OK) {
                assertThat(window.update(seq)).isTrue();
                received.add(seq);
                top = Math.max(top, seq);
            }
        }
    }

    @Test
    void infersTheHighHalfInsideOneSubspace() {
        // RFC 4303 A2.2 case A: Tl >= W - 1.
        receive(5 * TWO_32 + 100_000);
        assertThat(window.infer(100_001)).isEqualTo(5 * TWO_32 + 100_001);
        assertThat(window.infer(100_000 - 2047)).isEqualTo(5 * TWO_32 + 100_000 - 2047);
        // Below the window: must have wrapped, so it belongs to the next subspace.
        assertThat(window.infer(100_000 - 2048)).isEqualTo(6 * TWO_32 + 100_000 - 2048);
        assertThat(window.infer(3)).isEqualTo(6 * TWO_32 + 3);
    }

    @Test
    void infersTheHighHalfAcrossA32BitWrap() {
        // RFC 4303 A2.2 case B: Tl < W - 1, the window spans subspaces 4 and 5.
        receive(5 * TWO_32 + 10);
        assertThat(window.infer(0xFFFF_FFF0)).isEqualTo(5 * TWO_32 - 16);
        assertThat(window.infer(11)).isEqualTo(5 * TWO_32 + 11);
        assertThat(window.infer(0x8000_0000)).isEqualTo(5 * TWO_32 + 0x8000_0000L);
        // And from the other side: T just below the wrap, next packets just above it.
        ReplayWindow below = new ReplayWindow();
        below.update(TWO_32 - 3);
        assertThat(below.infer(2)).isEqualTo(TWO_32 + 2);
        assertThat(below.infer(0xFFFF_FFFE)).isEqualTo(TWO_32 - 2);
    }

    @Test
    void infersNothingBelowTheFirstSequenceNumber() {
        receive(100);
        assertThat(window.infer(0xFFFF_FF00)).isZero();
        assertThat(window.check(window.infer(0xFFFF_FF00))).isEqualTo(TOO_OLD);
    }

    @Test
    void worksAtTheTopOfTheSequenceSpace() {
        long last = -1L; // 2^64 - 1
        receive(last - 10);
        receive(last);
        assertThat(window.check(last)).isEqualTo(REPLAYED);
        assertThat(window.check(last - 5)).isEqualTo(OK);
        assertThat(window.infer(0xFFFF_FFFF)).isEqualTo(last);
        // The next subspace would be 2^64: it does not exist, so the guess is far left of the window.
        assertThat(window.check(window.infer(3))).isEqualTo(TOO_OLD);
    }
}
