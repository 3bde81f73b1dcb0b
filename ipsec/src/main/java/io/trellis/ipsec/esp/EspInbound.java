package io.trellis.ipsec.esp;

import io.netty.buffer.ByteBuf;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Verifies and decrypts ESP packets in place (RFC 4303 §3.4, AES-GCM per RFC 4106), in the order the
 * RFC gives so that cheap checks come first and nothing unauthenticated changes state: length, SA
 * lookup by SPI (§3.4.2), sequence number against the replay window (§3.4.3), ICV and decryption
 * (§3.4.4), then the window update and the trailer.
 *
 * <p>Returns an {@link InboundResult} for any bytes and counts every drop; it never throws on packet
 * contents. A packet that reached the cipher and was then rejected (AUTH_FAILED, a REPLAYED race,
 * MALFORMED_TRAILER) has its ciphertext and ICV region zeroed in {@code buf}, and the scratch copy
 * wiped, so no plaintext of it outlives the call; packets rejected earlier are left as received.
 *
 * <p>One instance per thread (it owns a scratch array and the results of the last packet); any number
 * of SAs. Buffer ownership: the caller owns {@code buf}; nothing is retained or released, indexes do
 * not move.
 */
public final class EspInbound {
    private static final int INITIAL_SCRATCH_LENGTH = 2048;

    private final SecurityAssociationDatabase sad;
    private final EspCounters counters;
    private final EspFlyweight header = new EspFlyweight();
    private byte[] scratch = new byte[INITIAL_SCRATCH_LENGTH];

    private SecurityAssociation securityAssociation;
    private long sequenceNumber;
    private int payloadOffset;
    private int payloadLength;
    private int nextHeader;

    public EspInbound(SecurityAssociationDatabase sad, EspCounters counters) {
        this.sad = sad;
        this.counters = counters;
    }

    /**
     * Processes the ESP packet of {@code length} octets at {@code offset}. On {@link InboundResult#OK}
     * the payload is plaintext at {@link #payloadOffset()} and the accessors describe it until the
     * next call.
     *
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not lie inside the buffer
     */
    public InboundResult decrypt(ByteBuf buf, int offset, int length) {
        return decrypt(buf, offset, length, null);
    }

    /**
     * Like {@link #decrypt(ByteBuf, int, int)}, with the address the transport says the packet came
     * from: only used when the SPI is unknown, to derive a new SA of that peer alone (its node name is
     * {@code source.getHostAddress()}, see {@link SecurityAssociationDatabase#candidates}).
     */
    public InboundResult decrypt(ByteBuf buf, int offset, int length, InetAddress source) {
        if (offset < 0 || length < 0 || length > buf.capacity() - offset) {
            throw new IndexOutOfBoundsException("offset " + offset + " and length " + length
                    + " must lie inside the buffer's capacity " + buf.capacity());
        }
        InboundResult result = process(buf, offset, length, source);
        if (result == InboundResult.OK) {
            counters.decrypted(payloadLength);
        } else {
            counters.dropped(result);
        }
        return result;
    }

    private InboundResult process(ByteBuf buf, int offset, int length, InetAddress source) {
        if (length < EspFlyweight.MIN_PACKET_LENGTH) {
            return InboundResult.TRUNCATED;
        }
        header.wrap(buf, offset);
        int spi = header.spi();
        SecurityAssociation sa = sad.inbound(spi);
        if (sa == null) {
            return learn(buf, offset, length, spi, source);
        }
        // The high 32 bits of the ESN are not sent (RFC 4303 §2.2.1). A Trellis sender puts the whole
        // 64-bit number in the IV (RFC 4106 §3.1 leaves the IV to the sender), so when the IV's low half
        // is the Sequence Number field the high half is taken from it: this resynchronises after the
        // sender restarts and its counter jumps ahead (Appendix A3). Other IVs get Appendix A2.2's
        // inference from the window. Either way the ICV confirms it: the high half is in the AAD.
        ReplayWindow window = sa.replayWindow();
        int seqLow = header.sequenceNumber();
        long iv = header.iv();
        long seq = (int) iv == seqLow ? iv : window.infer(seqLow);
        // RFC 4303 §3.4.3: check before spending the cipher on it.
        InboundResult fresh = window.check(seq);
        if (fresh != InboundResult.OK) {
            return fresh;
        }

        int sealedOffset = offset + EspFlyweight.PAYLOAD_OFFSET;
        int sealedLength = length - EspFlyweight.PAYLOAD_OFFSET;
        int ciphertextLength = sealedLength - EspFlyweight.ICV_LENGTH;
        // RFC 4303 §3.4.4; the AAD carries the high bits (RFC 4106 §5), so a wrong guess fails here.
        boolean inPlace = buf.hasArray();
        boolean authentic;
        if (inPlace) {
            authentic = sa.cipher().open(spi, seq, iv, buf.array(), buf.arrayOffset() + sealedOffset, sealedLength);
        } else {
            byte[] array = scratch(sealedLength);
            buf.getBytes(sealedOffset, array, 0, sealedLength);
            authentic = sa.cipher().open(spi, seq, iv, array, 0, sealedLength);
            if (authentic) {
                buf.setBytes(sealedOffset, array, 0, ciphertextLength);
            }
        }
        if (!authentic) {
            return wipe(InboundResult.AUTH_FAILED, buf, sealedOffset, sealedLength, inPlace);
        }
        // RFC 4303 §3.4.3: update the window only for authentic packets; false means another thread won.
        if (!window.update(seq)) {
            return wipe(InboundResult.REPLAYED, buf, sealedOffset, sealedLength, inPlace);
        }
        return deliver(buf, sa, seq, sealedOffset, sealedLength, inPlace);
    }

    /**
     * An unknown SPI: a peer's new SA (its sender picked the SPI at random and derived the key from
     * it) or junk. Each candidate is tried on a copy, so a failed try leaves the packet as received;
     * only the SA that verifies is adopted, and only if the key ring agrees (not retired, not older
     * than the peer's current SA: old captures of a replaced SA stay refused). Everything that fails
     * is BAD_SPI: no SA of this node accepts the SPI. Slow path: derives keys and allocates.
     */
    private InboundResult learn(ByteBuf buf, int offset, int length, int spi, InetAddress source) {
        List<SecurityAssociation> candidates = sad.candidates(spi, source == null ? null : source.getHostAddress());
        if (candidates.isEmpty()) {
            return InboundResult.BAD_SPI;
        }
        int seqLow = header.sequenceNumber();
        long iv = header.iv();
        long seq = (int) iv == seqLow ? iv : seqLow & 0xFFFF_FFFFL; // a new window infers nothing else
        if (seq == 0) {
            return InboundResult.BAD_SPI;
        }
        int sealedOffset = offset + EspFlyweight.PAYLOAD_OFFSET;
        int sealedLength = length - EspFlyweight.PAYLOAD_OFFSET;
        int ciphertextLength = sealedLength - EspFlyweight.ICV_LENGTH;
        byte[] array = scratch(sealedLength);
        for (SecurityAssociation sa : candidates) {
            buf.getBytes(sealedOffset, array, 0, sealedLength);
            if (!sa.cipher().open(spi, seq, iv, array, 0, sealedLength)) {
                continue;
            }
            if (!sad.adopt(sa, seq) || !sa.replayWindow().update(seq)) {
                break;
            }
            buf.setBytes(sealedOffset, array, 0, ciphertextLength);
            Arrays.fill(array, 0, sealedLength, (byte) 0);
            return deliver(buf, sa, seq, sealedOffset, sealedLength, true);
        }
        Arrays.fill(array, 0, sealedLength, (byte) 0);
        return InboundResult.BAD_SPI;
    }

    /** The window took {@code seq}: checks the trailer and publishes the packet's fields. */
    private InboundResult deliver(ByteBuf buf, SecurityAssociation sa, long seq, int sealedOffset, int sealedLength,
                                  boolean inPlace) {
        int ciphertextLength = sealedLength - EspFlyweight.ICV_LENGTH;
        int trailer = sealedOffset + ciphertextLength - EspFlyweight.TRAILER_LENGTH;
        int padLength = buf.getUnsignedByte(trailer);
        int plaintextLength = ciphertextLength - EspFlyweight.TRAILER_LENGTH - padLength;
        if (plaintextLength < 0 || !paddingValid(buf, sealedOffset + plaintextLength, padLength)) {
            return wipe(InboundResult.MALFORMED_TRAILER, buf, sealedOffset, sealedLength, inPlace);
        }
        this.securityAssociation = sa;
        this.sequenceNumber = seq;
        this.payloadOffset = sealedOffset;
        this.payloadLength = plaintextLength;
        this.nextHeader = buf.getUnsignedByte(trailer + 1);
        return InboundResult.OK;
    }

    /** RFC 4303 §2.4: the default padding is 1, 2, 3, ...; "the receiver SHOULD inspect the Padding field". */
    private static boolean paddingValid(ByteBuf buf, int index, int padLength) {
        for (int pad = 1; pad <= padLength; pad++) {
            if (buf.getByte(index + pad - 1) != (byte) pad) {
                return false;
            }
        }
        return true;
    }

    private InboundResult wipe(InboundResult result, ByteBuf buf, int sealedOffset, int sealedLength, boolean inPlace) {
        buf.setZero(sealedOffset, sealedLength);
        if (!inPlace) {
            Arrays.fill(scratch, 0, sealedLength, (byte) 0);
        }
        return result;
    }

    private byte[] scratch(int length) {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        return scratch;
    }

    /** The SA of the last OK packet: its {@link SecurityAssociation#peer()} is the sender. */
    public SecurityAssociation securityAssociation() {
        return securityAssociation;
    }

    /** The full 64-bit sequence number of the last OK packet. */
    public long sequenceNumber() {
        return sequenceNumber;
    }

    /** Absolute index of the plaintext payload of the last OK packet (its offset + 16). */
    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /**
     * The Next Header of the last OK packet (RFC 4303 §2.6): the caller delivers only the protocol it
     * expects, and discards {@value EspFlyweight#NEXT_HEADER_NO_NEXT_HEADER} (dummy packets) silently.
     */
    public int nextHeader() {
        return nextHeader;
    }
}
