package io.trellis.ipsec.esp;

import javax.crypto.spec.SecretKeySpec;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One ESP security association (RFC 4301 §4.4.2, one SAD entry): one direction between two nodes,
 * its SPI, AES-GCM keying material (key + salt, RFC 4106 §8.1) and its sequence state: the counter of
 * an outbound SA (RFC 4303 §3.3.3) or the {@link ReplayWindow} of an inbound one. Sequence numbers
 * are always 64-bit extended (ESN, RFC 4303 §2.2.1).
 *
 * <p>Thread safety: an SA may be used by several data-plane threads at once. The outbound counter is
 * atomic; the replay window locks; each thread gets its own {@code Cipher} for this SA (created on
 * first use), so key schedules stay warm and no cipher is shared.
 */
public final class SecurityAssociation {
    public enum Direction { INBOUND, OUTBOUND }

    /**
     * From this sequence number on (2^63, unsigned) {@link #rekeyNeeded()} is true: half the ESN space
     * before RFC 4303 §3.3.3 forbids the counter to cycle. Time-based rotation comes far earlier; this
     * is the backstop.
     */
    public static final long REKEY_SEQUENCE_NUMBER = 1L << 63;
    /** The last sequence number an SA may send, 2^64 − 1; the counter never cycles (RFC 4303 §3.3.3). */
    public static final long LAST_SEQUENCE_NUMBER = -1L;

    private final int spi;
    private final Direction direction;
    private final CipherSuite suite;
    private final String peer;
    private final int keyId;
    private final SecretKeySpec key;
    private final int salt;
    /** Outbound: the last sequence number handed out; the next one is this plus 1. */
    private final AtomicLong lastSequenceNumber;
    /** Inbound only. */
    private final ReplayWindow replayWindow;
    private final ThreadLocal<AesGcm> ciphers;

    private SecurityAssociation(int spi, Direction direction, byte[] keyingMaterial, String peer, int keyId,
                                long lastSequenceNumber) {
        if (Integer.compareUnsigned(spi, EspFlyweight.MIN_SPI) < 0) {
            throw new IllegalArgumentException("SPI " + spi + " is reserved (RFC 4303 §2.1): use 256 or more");
        }
        this.spi = spi;
        this.direction = direction;
        this.suite = CipherSuite.forKeyingMaterialLength(keyingMaterial.length);
        this.peer = peer;
        this.keyId = keyId;
        this.key = new SecretKeySpec(keyingMaterial, 0, suite.keyLength(), "AES");
        this.salt = (keyingMaterial[suite.keyLength()] & 0xFF) << 24
                | (keyingMaterial[suite.keyLength() + 1] & 0xFF) << 16
                | (keyingMaterial[suite.keyLength() + 2] & 0xFF) << 8
                | keyingMaterial[suite.keyLength() + 3] & 0xFF;
        this.lastSequenceNumber = new AtomicLong(lastSequenceNumber);
        this.replayWindow = direction == Direction.INBOUND ? new ReplayWindow() : null;
        // Loads the provider now, on the control path (ACCP takes about a second the first time), and
        // fails here, with its one-line reason, if -Dtrellis.esp.cipher=accp cannot be had.
        AesGcmProvider.provider();
        this.ciphers = ThreadLocal.withInitial(() -> new AesGcm(key, salt));
    }

    /**
     * An SA this node sends on to {@code peer}. Its key is unique to this SA (derived with a random
     * per-SA instance value, docs/encryption.md §3), so nonces cannot repeat across SAs whatever the
     * counter does. The first sequence number is still the wall-clock time in nanoseconds since 1970,
     * not 1: a second line of defence should two SAs ever draw the same instance, and what lets a
     * receiver tell a peer's newer SA from a replayed older one. The receiver learns the high bits from
     * the IV (see {@link EspInbound}); 2^63 is reached in 2262.
     *
     * @param keyingMaterial AES key then 4-octet salt: 20 or 36 octets (copied)
     * @param keyId          the master key it was derived from, for rotation and diagnostics
     */
    public static SecurityAssociation outbound(int spi, byte[] keyingMaterial, String peer, int keyId) {
        return new SecurityAssociation(spi, Direction.OUTBOUND, keyingMaterial, peer, keyId, wallClockNanos());
    }

    /** An SA this node receives on from {@code peer}; see {@link #outbound}. */
    public static SecurityAssociation inbound(int spi, byte[] keyingMaterial, String peer, int keyId) {
        return new SecurityAssociation(spi, Direction.INBOUND, keyingMaterial, peer, keyId, 0);
    }

    /**
     * Like {@link #outbound(int, byte[], String, int)}, with the counter standing at
     * {@code lastSequenceNumber}: the key ring passes its wall clock's reading (tests move it back).
     */
    public static SecurityAssociation outbound(int spi, byte[] keyingMaterial, String peer, int keyId, long lastSequenceNumber) {
        return new SecurityAssociation(spi, Direction.OUTBOUND, keyingMaterial, peer, keyId, lastSequenceNumber);
    }

    /** Test hook: an outbound SA whose counter already stands at {@code lastSequenceNumber}, e.g. near 2^64. */
    static SecurityAssociation outboundAfter(long lastSequenceNumber, int spi, byte[] keyingMaterial) {
        return new SecurityAssociation(spi, Direction.OUTBOUND, keyingMaterial, "test", 0, lastSequenceNumber);
    }

    /** Nanoseconds since 1970 by the wall clock: where a new outbound SA's counter starts. */
    public static long wallClockNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    public int spi() {
        return spi;
    }

    public Direction direction() {
        return direction;
    }

    public CipherSuite suite() {
        return suite;
    }

    /** The node at the other end: the receiver of an outbound SA, the sender of an inbound one. */
    public String peer() {
        return peer;
    }

    public int keyId() {
        return keyId;
    }

    /** Outbound: the last sequence number sent (the starting point before the first). */
    public long lastSequenceNumber() {
        return lastSequenceNumber.get();
    }

    /** Outbound: true once the counter reached {@link #REKEY_SEQUENCE_NUMBER}: replace this SA. */
    public boolean rekeyNeeded() {
        return Long.compareUnsigned(lastSequenceNumber.get(), REKEY_SEQUENCE_NUMBER) >= 0;
    }

    /** Inbound: the anti-replay window. */
    public ReplayWindow replayWindow() {
        if (replayWindow == null) {
            throw new IllegalStateException("SA " + this + " is outbound and has no replay window");
        }
        return replayWindow;
    }

    /**
     * The next sequence number to send, or 0 if {@link #LAST_SEQUENCE_NUMBER} was already sent: the
     * counter never cycles, so a nonce can never repeat (RFC 4303 §3.3.3, RFC 4106 §3.1).
     */
    long nextSequenceNumber() {
        long last;
        do {
            last = lastSequenceNumber.get();
            if (last == LAST_SEQUENCE_NUMBER) {
                return 0;
            }
        } while (!lastSequenceNumber.compareAndSet(last, last + 1));
        return last + 1;
    }

    /** This thread's cipher for this SA. */
    AesGcm cipher() {
        return ciphers.get();
    }

    @Override
    public String toString() {
        return String.format("SA 0x%08x %s %s %s, key %08x, %s", spi, direction.name().toLowerCase(),
                direction == Direction.OUTBOUND ? "to" : "from", peer, keyId, suite);
    }
}
