package io.trellis.vxlan.icmp;

import io.netty.buffer.ByteBuf;
import io.trellis.vxlan.checksum.InternetChecksum;

/**
 * Writes ICMPv4 messages (RFC 792) at an absolute offset, checksum included. Echo payloads are
 * expected in place after the 8-byte header; error messages copy their quote of the original packet.
 */
public final class IcmpEncoder {
    /** RFC 1812 §4.3.2.3: an ICMP error datagram should not exceed 576 bytes. */
    public static final int MAX_ERROR_DATAGRAM_LENGTH = 576;
    /** 576 − 20 (IPv4 header without options) − 8 (ICMP header). */
    public static final int MAX_QUOTE_LENGTH = MAX_ERROR_DATAGRAM_LENGTH - 20 - IcmpFlyweight.HEADER_LENGTH;
    /** RFC 792: at least the original IP header and the first 64 bits of its data. */
    public static final int MIN_QUOTE_LENGTH = 20 + 8;

    private IcmpEncoder() {
    }

    /** Echo request; the {@code payloadLength} bytes after the header must be in place. Returns {@code 8 + payloadLength}. */
    public static int writeEchoRequest(ByteBuf buf, int offset, int identifier, int sequenceNumber, int payloadLength) {
        return writeEcho(buf, offset, IcmpFlyweight.TYPE_ECHO_REQUEST, identifier, sequenceNumber, payloadLength);
    }

    /** Echo reply (RFC 792: same identifier, sequence number and data as the request). Returns {@code 8 + payloadLength}. */
    public static int writeEchoReply(ByteBuf buf, int offset, int identifier, int sequenceNumber, int payloadLength) {
        return writeEcho(buf, offset, IcmpFlyweight.TYPE_ECHO_REPLY, identifier, sequenceNumber, payloadLength);
    }

    /**
     * How many bytes of an {@code originalLength}-byte packet an error message quotes: as much as
     * fits in a 576-byte datagram (RFC 1812 §4.3.2.3), which always includes RFC 792's minimum of the
     * IP header plus 64 bits when the original has that much.
     */
    public static int quoteLength(int originalLength) {
        return Math.min(originalLength, MAX_QUOTE_LENGTH);
    }

    /**
     * "Destination unreachable, fragmentation needed and DF set" (type 3 code 4) with the next-hop
     * MTU (RFC 1191 §4), quoting the start of the original IPv4 packet. The quote is copied from
     * {@code original}, which must not overlap the message. Returns {@code 8 + quoteLength(originalLength)}.
     *
     * <p>The caller applies RFC 1812 §4.3.2.7: no error about an ICMP error, a broadcast or a
     * non-first fragment.
     *
     * @param originalOffset absolute index of the original IPv4 header in {@code original}
     * @param originalLength bytes of the original packet available (normally its total length)
     * @throws IllegalArgumentException if {@code nextHopMtu} is not 0–65535
     */
    public static int writeFragmentationNeeded(ByteBuf buf, int offset, int nextHopMtu,
                                               ByteBuf original, int originalOffset, int originalLength) {
        if (nextHopMtu < 0 || nextHopMtu > 0xFFFF) {
            throw new IllegalArgumentException("next-hop MTU " + nextHopMtu + " is out of range: RFC 1191 gives it 16 bits (0 to 65535)");
        }
        int quote = quoteLength(originalLength);
        buf.setByte(offset + IcmpFlyweight.TYPE_OFFSET, IcmpFlyweight.TYPE_DESTINATION_UNREACHABLE);
        buf.setByte(offset + IcmpFlyweight.CODE_OFFSET, IcmpFlyweight.CODE_FRAGMENTATION_NEEDED);
        buf.setShort(offset + IcmpFlyweight.CHECKSUM_OFFSET, 0);
        buf.setShort(offset + IcmpFlyweight.IDENTIFIER_OFFSET, 0); // RFC 1191 §4: unused, zero
        buf.setShort(offset + IcmpFlyweight.NEXT_HOP_MTU_OFFSET, nextHopMtu);
        buf.setBytes(offset + IcmpFlyweight.BODY_OFFSET, original, originalOffset, quote);
        int length = IcmpFlyweight.HEADER_LENGTH + quote;
        buf.setShort(offset + IcmpFlyweight.CHECKSUM_OFFSET, InternetChecksum.checksum(buf, offset, length));
        return length;
    }

    private static int writeEcho(ByteBuf buf, int offset, int type, int identifier, int sequenceNumber, int payloadLength) {
        buf.setByte(offset + IcmpFlyweight.TYPE_OFFSET, type);
        buf.setByte(offset + IcmpFlyweight.CODE_OFFSET, 0);
        buf.setShort(offset + IcmpFlyweight.CHECKSUM_OFFSET, 0);
        buf.setShort(offset + IcmpFlyweight.IDENTIFIER_OFFSET, identifier);
        buf.setShort(offset + IcmpFlyweight.SEQUENCE_NUMBER_OFFSET, sequenceNumber);
        int length = IcmpFlyweight.HEADER_LENGTH + payloadLength;
        buf.setShort(offset + IcmpFlyweight.CHECKSUM_OFFSET, InternetChecksum.checksum(buf, offset, length));
        return length;
    }
}
