package io.trellis.ipsec.esp;

import java.util.concurrent.atomic.LongAdder;

/**
 * Per-packet ESP events as counters, never log lines on the hot path: drops by {@link InboundResult}, packets and
 * payload bytes encrypted and decrypted, and packets refused because an SA's sequence numbers ran
 * out. {@link LongAdder}s, so any number of {@link EspInbound}/{@link EspOutbound} threads can share
 * one instance; the metrics layer reads them.
 *
 * <p>Bytes are payload octets (what the overlay carried), not ESP packet octets.
 */
public final class EspCounters {
    private final LongAdder[] drops = new LongAdder[InboundResult.values().length];
    private final LongAdder packetsEncrypted = new LongAdder();
    private final LongAdder bytesEncrypted = new LongAdder();
    private final LongAdder packetsDecrypted = new LongAdder();
    private final LongAdder bytesDecrypted = new LongAdder();
    private final LongAdder sequenceExhausted = new LongAdder();

    public EspCounters() {
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
    }

    /** Inbound packets dropped for {@code reason} ({@link InboundResult#OK} is never a drop: 0). */
    public long drops(InboundResult reason) {
        return drops[reason.ordinal()].sum();
    }

    /** Inbound packets dropped for any reason. */
    public long drops() {
        long sum = 0;
        for (LongAdder adder : drops) {
            sum += adder.sum();
        }
        return sum;
    }

    public long packetsEncrypted() {
        return packetsEncrypted.sum();
    }

    public long bytesEncrypted() {
        return bytesEncrypted.sum();
    }

    public long packetsDecrypted() {
        return packetsDecrypted.sum();
    }

    public long bytesDecrypted() {
        return bytesDecrypted.sum();
    }

    /** Outbound packets refused because their SA had sent sequence number 2^64 − 1 (RFC 4303 §3.3.3). */
    public long sequenceExhausted() {
        return sequenceExhausted.sum();
    }

    void dropped(InboundResult reason) {
        drops[reason.ordinal()].increment();
    }

    void encrypted(int payloadLength) {
        packetsEncrypted.increment();
        bytesEncrypted.add(payloadLength);
    }

    void decrypted(int payloadLength) {
        packetsDecrypted.increment();
        bytesDecrypted.add(payloadLength);
    }

    void exhausted() {
        sequenceExhausted.increment();
    }
}
