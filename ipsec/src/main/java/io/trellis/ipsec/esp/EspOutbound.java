package io.trellis.ipsec.esp;

import io.netty.buffer.ByteBuf;

/**
 * Turns a payload into an ESP packet in place (RFC 4303 §3.3, AES-GCM per RFC 4106): writes the
 * header and explicit IV into the {@value EspFlyweight#PAYLOAD_OFFSET} octets of headroom in front of
 * the payload, the padding, Pad Length and Next Header behind it, encrypts payload and trailer, and
 * appends the 16-octet ICV.
 *
 * <p>One instance per thread (it owns a scratch array); any number of SAs. Buffer ownership: the
 * caller owns {@code buf} before and after; nothing is retained or released, indexes do not move.
 */
public final class EspOutbound {
    /** What {@link #encrypt} returns when the SA has sent its last sequence number: rekey, then resend. */
    public static final int SEQUENCE_EXHAUSTED = -1;
    private static final int INITIAL_SCRATCH_LENGTH = 2048;

    private final EspCounters counters;
    private final EspFlyweight header = new EspFlyweight();
    private byte[] scratch = new byte[INITIAL_SCRATCH_LENGTH];

    public EspOutbound(EspCounters counters) {
        this.counters = counters;
    }

    /**
     * Encrypts the {@code payloadLength} octets at {@code payloadOffset} into an ESP packet that starts
     * at {@code payloadOffset - 16} and is {@link EspFlyweight#packetLength(int)} octets long.
     *
     * <p>Heap buffers are encrypted in place in their backing array; other buffers are copied into a
     * scratch array, encrypted there and copied back (JCA's AES-GCM works on arrays: given direct
     * memory, both providers would copy it into fresh arrays themselves). Senders that care stage in
     * a heap buffer, as the data plane does.
     *
     * @param nextHeader the IANA protocol number of the payload (RFC 4303 §2.6), e.g. 17 for the UDP
     *                   datagram of a VXLAN packet (docs/encryption.md)
     * @return the ESP packet length, or {@link #SEQUENCE_EXHAUSTED} (nothing written, counted) if the SA
     *         must be replaced first
     * @throws IllegalArgumentException if there is no room for the header or the trailer and ICV, the SA
     *                                  is inbound, or {@code nextHeader} is not one octet
     */
    public int encrypt(SecurityAssociation sa, ByteBuf buf, int payloadOffset, int payloadLength, int nextHeader) {
        int espOffset = payloadOffset - EspFlyweight.PAYLOAD_OFFSET;
        int ciphertextLength = EspFlyweight.paddedLength(payloadLength);
        int sealedLength = ciphertextLength + EspFlyweight.ICV_LENGTH;
        if (espOffset < 0 || payloadLength < 0 || payloadOffset + sealedLength > buf.capacity()) {
            throw new IllegalArgumentException("an ESP packet for " + payloadLength + " payload bytes at offset "
                    + payloadOffset + " needs " + EspFlyweight.PAYLOAD_OFFSET + " bytes of headroom and "
                    + (sealedLength - payloadLength) + " bytes after the payload, in a buffer of capacity " + buf.capacity());
        }
        if (sa.direction() != SecurityAssociation.Direction.OUTBOUND) {
            throw new IllegalArgumentException(sa + " is inbound: encrypt with an outbound SA");
        }
        if ((nextHeader & ~0xFF) != 0) {
            throw new IllegalArgumentException("next header " + nextHeader + " is out of range: it is one byte (0 to 255)");
        }
        long sequenceNumber = sa.nextSequenceNumber();
        if (sequenceNumber == 0) {
            counters.exhausted();
            return SEQUENCE_EXHAUSTED;
        }
        // RFC 4303 §2.2.1: only the low 32 bits are sent. RFC 4106 §3.1: the IV must be unique per
        // key; the 64-bit sequence number is, and never cycles.
        header.wrap(buf, espOffset).spi(sa.spi()).sequenceNumber((int) sequenceNumber).iv(sequenceNumber);

        // RFC 4303 §2.4: pad to a 4-octet boundary with 1, 2, 3, ...; §2.5 Pad Length; §2.6 Next Header.
        int padLength = ciphertextLength - EspFlyweight.TRAILER_LENGTH - payloadLength;
        int index = payloadOffset + payloadLength;
        for (int pad = 1; pad <= padLength; pad++) {
            buf.setByte(index++, pad);
        }
        buf.setByte(index++, padLength);
        buf.setByte(index, nextHeader);

        if (buf.hasArray()) {
            sa.cipher().seal(sa.spi(), sequenceNumber, sequenceNumber, buf.array(), buf.arrayOffset() + payloadOffset,
                    ciphertextLength);
        } else {
            byte[] array = scratch(sealedLength);
            buf.getBytes(payloadOffset, array, 0, ciphertextLength);
            sa.cipher().seal(sa.spi(), sequenceNumber, sequenceNumber, array, 0, ciphertextLength);
            buf.setBytes(payloadOffset, array, 0, sealedLength);
        }
        counters.encrypted(payloadLength);
        return EspFlyweight.PAYLOAD_OFFSET + sealedLength;
    }

    private byte[] scratch(int length) {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        return scratch;
    }
}
