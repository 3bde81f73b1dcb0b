package io.trellis.ipsec.esp;

import io.netty.buffer.ByteBuf;

/**
 * The cleartext head of an ESP packet (RFC 4303 §2) with the AES-GCM explicit IV (RFC 4106 §3.1),
 * as a flyweight over a {@link ByteBuf} (Aeron {@code HeaderFlyweight} style): all access is absolute,
 * nothing is copied, reader and writer indexes never move.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Security Parameters Index (SPI)                 |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Sequence Number (low 32 bits of the 64-bit ESN)          |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Initialization Vector (8 octets, explicit)         |  8
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Ciphertext: Payload | Padding | Pad Length | Next Header     | 16
 * ~                                                               ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Integrity Check Value (16 octets)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class EspFlyweight {
    public static final int SPI_OFFSET = 0;
    public static final int SEQUENCE_NUMBER_OFFSET = 4;
    public static final int IV_OFFSET = 8;
    /** RFC 4303 §2: SPI and Sequence Number. */
    public static final int HEADER_LENGTH = 8;
    /** RFC 4106 §3.1: the explicit IV is 8 octets. */
    public static final int IV_LENGTH = 8;
    /** Where the ciphertext starts: the headroom a sender leaves in front of the payload. */
    public static final int PAYLOAD_OFFSET = HEADER_LENGTH + IV_LENGTH;
    /** RFC 4106 §6: Trellis always uses the full-length 16-octet ICV. */
    public static final int ICV_LENGTH = 16;
    /** RFC 4303 §2.4–2.6: Pad Length and Next Header, after 0 or more padding octets. */
    public static final int TRAILER_LENGTH = 2;
    /** RFC 4303 §2.4: the ciphertext ends on a 4-octet boundary. */
    public static final int ALIGNMENT = 4;
    /** Header, IV, the 2-octet trailer of an empty payload, ICV: anything shorter is truncated. */
    public static final int MIN_PACKET_LENGTH = PAYLOAD_OFFSET + TRAILER_LENGTH + ICV_LENGTH;
    /** Most padding a sender adds (to reach {@link #ALIGNMENT}); a receiver accepts up to 255. */
    public static final int MAX_PADDING = ALIGNMENT - 1;
    /** Room a sender leaves after the payload: padding, trailer and ICV. */
    public static final int TAILROOM = MAX_PADDING + TRAILER_LENGTH + ICV_LENGTH;
    /** RFC 4303 §2.1: SPIs 1–255 are reserved by IANA and 0 is for local use; none is sent. */
    public static final int MIN_SPI = 256;
    /** RFC 4303 §2.6: a dummy packet (traffic flow confidentiality) that the receiver discards. */
    public static final int NEXT_HEADER_NO_NEXT_HEADER = 59;

    private ByteBuf buf;
    private int offset;

    /** Points this flyweight at the ESP packet starting at {@code offset}. */
    public EspFlyweight wrap(ByteBuf buf, int offset) {
        this.buf = buf;
        this.offset = offset;
        return this;
    }

    public int spi() {
        return buf.getInt(offset + SPI_OFFSET);
    }

    public EspFlyweight spi(int spi) {
        buf.setInt(offset + SPI_OFFSET, spi);
        return this;
    }

    /** The low 32 bits of the sequence number, as sent (RFC 4303 §2.2.1). */
    public int sequenceNumber() {
        return buf.getInt(offset + SEQUENCE_NUMBER_OFFSET);
    }

    public EspFlyweight sequenceNumber(int sequenceNumberLow) {
        buf.setInt(offset + SEQUENCE_NUMBER_OFFSET, sequenceNumberLow);
        return this;
    }

    /** The 8-octet explicit IV as a big-endian number (RFC 4106 §3.1). */
    public long iv() {
        return buf.getLong(offset + IV_OFFSET);
    }

    public EspFlyweight iv(long iv) {
        buf.setLong(offset + IV_OFFSET, iv);
        return this;
    }

    /** ESP packet length for {@code payloadLength} octets of payload: header, IV, padded payload, trailer, ICV. */
    public static int packetLength(int payloadLength) {
        return PAYLOAD_OFFSET + paddedLength(payloadLength) + ICV_LENGTH;
    }

    /**
     * The largest payload whose ESP packet fits in {@code maxPacketLength} octets, e.g. the underlay
     * MTU minus the IP and UDP headers; negative if not even an empty payload fits. The data plane
     * lowers the overlay MTU with it.
     */
    public static int maxPayloadLength(int maxPacketLength) {
        int ciphertext = (maxPacketLength - PAYLOAD_OFFSET - ICV_LENGTH) & -ALIGNMENT;
        return ciphertext - TRAILER_LENGTH;
    }

    /** Payload, padding and trailer: the ciphertext length, a multiple of 4 (RFC 4303 §2.4). */
    static int paddedLength(int payloadLength) {
        return (payloadLength + TRAILER_LENGTH + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
