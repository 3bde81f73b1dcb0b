package io.trellis.ipsec.esp;

import java.util.Arrays;

/**
 * The receiver's anti-replay window of one SA (RFC 4303 §3.4.3) over 64-bit extended sequence
 * numbers (RFC 4303 §2.2.1, Appendix A2): the highest authenticated number T and a bitmap of the
 * {@value #SIZE} numbers up to and including T, kept as a ring of 64-bit words indexed by the
 * sequence number itself (RFC 6479 §2), so advancing clears words instead of shifting the bitmap.
 *
 * <p>Use in three steps, as RFC 4303 §3.4.3 asks: {@link #infer(int)} the full number from the 32
 * bits on the wire, {@link #check(long)} it before spending the cipher on it, and {@link #update(long)}
 * only after the ICV verified, so forged packets never move the window.
 *
 * <p>Thread safety: {@code check} and {@code update} hold this object's monitor (one uncontended lock
 * each); {@code update} re-checks, so two threads that both passed {@code check} with the same number
 * cannot both deliver it. {@code infer} reads T without locking: a stale T at worst infers a wrong
 * high half, and the ICV then fails.
 */
public final class ReplayWindow {
    /** Packets the window remembers (RFC 4303 §3.4.3: 32 minimum, 64 default; Trellis takes 2048). */
    public static final int SIZE = 2048;
    private static final int WORD_SHIFT = 6;
    private static final int WORDS = SIZE >>> WORD_SHIFT;
    private static final long LOW_32 = 0xFFFF_FFFFL;

    private final long[] bitmap = new long[WORDS];
    /** T: the highest authenticated sequence number, 0 before the first (senders start at 1). */
    private volatile long top;

    /**
     * The 64-bit sequence number that {@code sequenceNumberLow} most probably belongs to, by RFC 4303
     * Appendix A2.2: inside or right of the window in the same 2^32 subspace as T, else the next (case
     * A) or previous (case B) one. Returns 0 (never a valid number) when the low bits can only lie
     * below 1.
     */
    public long infer(int sequenceNumberLow) {
        long t = top;
        long tl = t & LOW_32;
        long th = t >>> 32;
        long seql = sequenceNumberLow & LOW_32;
        long bottom = (tl - SIZE + 1) & LOW_32;
        long seqh;
        if (tl >= SIZE - 1) {
            // Case A: the window lies within one subspace; numbers below it have wrapped into the next.
            seqh = seql >= bottom ? th : th + 1;
        } else if (seql >= bottom) {
            // Case B: the window spans two subspaces and seql lies in its older part.
            if (th == 0) {
                return 0;
            }
            seqh = th - 1;
        } else {
            seqh = th;
        }
        return (seqh << 32) | seql;
    }

    /**
     * OK if {@code sequenceNumber} is right of the window or inside it and not yet received; REPLAYED if
     * it was received; TOO_OLD if it is left of the window (or 0). Changes nothing.
     */
    public synchronized InboundResult check(long sequenceNumber) {
        long t = top;
        if (Long.compareUnsigned(sequenceNumber, t) > 0) {
            return InboundResult.OK;
        }
        if (sequenceNumber == 0 || Long.compareUnsigned(t - sequenceNumber, SIZE) >= 0) {
            return InboundResult.TOO_OLD;
        }
        return received(sequenceNumber) ? InboundResult.REPLAYED : InboundResult.OK;
    }

    /**
     * Records an authenticated {@code sequenceNumber}, sliding the window right if it is the new
     * highest. Returns false, changing nothing, if {@link #check(long)} would no longer say OK (another
     * thread recorded it, or moved the window past it, since).
     */
    public synchronized boolean update(long sequenceNumber) {
        long t = top;
        if (Long.compareUnsigned(sequenceNumber, t) > 0) {
            forget(t, sequenceNumber);
            mark(sequenceNumber);
            top = sequenceNumber;
            return true;
        }
        if (sequenceNumber == 0 || Long.compareUnsigned(t - sequenceNumber, SIZE) >= 0 || received(sequenceNumber)) {
            return false;
        }
        mark(sequenceNumber);
        return true;
    }

    /** T, the highest authenticated sequence number (0 before the first). */
    public long highest() {
        return top;
    }

    private boolean received(long sequenceNumber) {
        return (bitmap[word(sequenceNumber)] & (1L << sequenceNumber)) != 0;
    }

    private void mark(long sequenceNumber) {
        bitmap[word(sequenceNumber)] |= 1L << sequenceNumber;
    }

    /** Clears the ring positions of (from, to]: numbers entering the window, whose slots held numbers leaving it. */
    private void forget(long from, long to) {
        if (Long.compareUnsigned(to - from, SIZE) >= 0) {
            Arrays.fill(bitmap, 0L);
            return;
        }
        long next = from + 1;
        long remaining = to - from;
        while (remaining > 0) {
            int bit = (int) (next & 63);
            int count = (int) Math.min(remaining, 64 - bit);
            long mask = count == 64 ? -1L : ((1L << count) - 1) << bit;
            bitmap[word(next)] &= ~mask;
            next += count;
            remaining -= count;
        }
    }

    private static int word(long sequenceNumber) {
        return (int) (sequenceNumber >>> WORD_SHIFT) & (WORDS - 1);
    }
}
